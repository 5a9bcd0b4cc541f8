import HarkStore

/// What each key does, by screen (see `HelpText` for the list a user sees).
extension TUIModel {
    /// Handles one key press.
    func handle(_ key: Key) {
        message = nil
        if key == .control("c") {
            wantsQuit = true
            return
        }
        if prompt != nil { return handlePrompt(key) }
        if isEditingFilter { return handleFilterEditing(key) }
        switch screen {
        case .list: handleList(key)
        case .detail: handleDetail(key)
        case .help: handleHelp(key)
        }
    }

    private func handleList(_ key: Key) {
        let last = max(0, visible.count - 1)
        switch key {
        case .character("j"), .down: move(to: selected + 1)
        case .character("k"), .up: move(to: selected - 1)
        case .character("g"), .home: move(to: 0)
        case .character("G"), .end: move(to: last)
        case .pageDown, .character(" "), .control("f"), .control("d"): move(to: selected + pageHeight)
        case .pageUp, .control("b"), .control("u"): move(to: selected - pageHeight)
        case .enter, .character("l"), .right: openDetail()
        case .character("/"), .character("f"):
            isEditingFilter = true
            filterBeforeEditing = filterText
            draft = filterText
            draftError = nil
        case .character("F"):
            follow.toggle()
            if follow { selected = last }
            message = follow ? "follow: on (the newest row stays in view)" : "follow: off"
        case .character("o"):
            let keys = ExchangeSortKey.allCases
            sortKey = keys[((keys.firstIndex(of: sortKey) ?? 0) + 1) % keys.count]
            requestQuery()
            message = "sorted by \(sortKey.rawValue)"
        case .character("O"):
            ascending.toggle()
            requestQuery()
            message = "sorted by \(sortKey.rawValue), \(ascending ? "ascending" : "descending")"
        case .character("m"), .character("x"):
            if let id = selectedID {
                if marks.contains(id) { marks.remove(id) } else { marks.insert(id) }
                move(to: selected + 1)
            }
        case .character("M"):
            marks.removeAll()
            message = "marks cleared"
        case .character("y"): copyCurl()
        case .character("w"): askSaveBody(response: true)
        case .character("e"): askExport(all: true)
        case .character("E"): askExport(all: false)
        case .character("c"):
            clearFilter()
            message = "filter cleared"
        case .character("?"), .character("h"): showHelp()
        case .character("q"), .character("Q"): wantsQuit = true
        default: break
        }
    }

    private func move(to position: Int) {
        selected = min(max(0, position), max(0, visible.count - 1))
        if follow, selected < visible.count - 1 { follow = false }
    }

    private func handleDetail(_ key: Key) {
        let tabs = detailTabs
        let current = tabs.firstIndex(of: tab) ?? 0
        switch key {
        case .tab, .right, .character("l"): loadTab(tabs[(current + 1) % tabs.count])
        case .backTab, .left, .character("h"): loadTab(tabs[(current + tabs.count - 1) % tabs.count])
        case .character(let digit) where ("1"..."9").contains(digit):
            if let number = digit.wholeNumberValue, tabs.indices.contains(number - 1) { loadTab(tabs[number - 1]) }
        case .character("j"), .down: scrollDetail(by: 1)
        case .character("k"), .up: scrollDetail(by: -1)
        case .pageDown, .character(" "), .control("f"), .control("d"): scrollDetail(by: pageHeight)
        case .pageUp, .control("b"), .control("u"): scrollDetail(by: -pageHeight)
        case .character("g"), .home: detailScroll = 0
        case .character("G"), .end: scrollDetail(by: detailLines.count)
        case .character("/"): prompt = Prompt(purpose: .search, label: "search: ", text: search)
        case .character("n"): findNext(forward: true)
        case .character("N"): findNext(forward: false)
        case .character("J"), .character("K"):
            // Next or previous exchange without going back to the list.
            let step = key == .character("J") ? 1 : -1
            let next = min(max(0, selected + step), max(0, visible.count - 1))
            if next != selected {
                selected = next
                openDetail()
            }
        case .character("y"): copyCurl()
        case .character("w"): askSaveBody(response: tab != .request)
        case .character("E"): askExport(all: false)
        case .character("?"): showHelp()
        case .character("q"), .escape, .backspace: screen = .list
        case .character("Q"): wantsQuit = true
        default: break
        }
    }

    private func scrollDetail(by lines: Int) {
        detailScroll = min(max(0, detailScroll + lines), max(0, detailLines.count - pageHeight))
    }

    /// Moves to the next (or previous) line holding the search text, wrapping around.
    func findNext(forward: Bool) {
        guard !search.isEmpty, !detailLines.isEmpty else { return }
        let needle = search.lowercased()
        let count = detailLines.count
        for step in 1...count {
            let index = ((detailScroll + (forward ? step : -step)) % count + count) % count
            if detailLines[index].text.lowercased().contains(needle) {
                detailScroll = index
                message = "\"\(search)\": line \(index + 1) of \(count)"
                return
            }
        }
        message = "\"\(search)\" not found"
    }

    private func handleHelp(_ key: Key) {
        switch key {
        case .character("j"), .down: helpScroll += 1
        case .character("k"), .up: helpScroll = max(0, helpScroll - 1)
        case .pageDown, .character(" "): helpScroll += pageHeight
        case .pageUp: helpScroll = max(0, helpScroll - pageHeight)
        case .character("Q"): wantsQuit = true
        default: leaveHelp()
        }
        helpScroll = min(helpScroll, max(0, HelpText.lines.count - pageHeight))
    }

    private func handleFilterEditing(_ key: Key) {
        switch key {
        case .enter:
            if draftError == nil { isEditingFilter = false }
        case .escape:
            // Cancels the edit: the filter from before it is back (and its list, recomputed if typing had
            // replaced it).
            isEditingFilter = false
            draft = filterBeforeEditing
            draftChanged()
            message = "filter edit cancelled"
        case .backspace:
            if !draft.isEmpty { draft.removeLast() }
            draftChanged()
        case .control("u"):
            draft = ""
            draftChanged()
        case .character(let character):
            draft.append(character)
            draftChanged()
        default: break
        }
    }

    private func handlePrompt(_ key: Key) {
        guard var current = prompt else { return }
        switch key {
        case .enter:
            prompt = nil
            answer(current)
        case .escape: prompt = nil
        case .backspace:
            if !current.text.isEmpty { current.text.removeLast() }
            prompt = current
        case .control("u"):
            current.text = ""
            prompt = current
        case .character(let character):
            current.text.append(character)
            prompt = current
        default: break
        }
    }

    private func answer(_ prompt: Prompt) {
        switch prompt.purpose {
        case .search:
            search = prompt.text
            findNext(forward: true)
        case .saveBody(let id, let response): saveBody(id: id, response: response, to: prompt.text)
        case .exportHAR(let ids): exportHAR(ids: ids, to: prompt.text)
        }
    }
}
