public import HarkCore
import NIOCore

/// A request (HAR 1.2 `request`).
public struct HARRequest: Hashable, Sendable {
    /// The request method.
    public var method: String
    /// The absolute URL, without fragment.
    public var url: String
    /// The protocol version as written in the request line, e.g. `HTTP/1.1`; for HTTP/2 Chrome writes
    /// `http/2.0` and its importer maps that to `h2`.
    public var httpVersion: String
    /// Cookies sent in `Cookie` headers.
    public var cookies: [HARCookie]
    /// The headers in wire order, repeated names kept.
    public var headers: [HARHeader]
    /// The query parameters of `url`.
    public var queryString: [HARQueryParam]
    /// The body, if the request had one.
    public var postData: HARPostData?
    /// Bytes from the start of the request to the blank line after the headers inclusive, or -1.
    public var headersSize: Int
    /// Body bytes as sent on the wire, or -1 when unknown.
    public var bodySize: Int
    /// `_trailers`: trailer fields after a chunked or HTTP/2 body. Written only when not empty.
    public var trailers: [HARHeader]
    /// Further custom fields, written last.
    public var custom: [HARJSONMember]

    /// A request whose `cookies` and `queryString` are derived from `headers` and `url`.
    public init(
        method: String,
        url: String,
        httpVersion: String,
        headers: [HARHeader],
        postData: HARPostData? = nil,
        headersSize: Int = -1,
        bodySize: Int = -1
    ) {
        self.method = method
        self.url = url
        self.httpVersion = httpVersion
        self.cookies = HARCookie.parse(cookieHeadersIn: headers)
        self.headers = headers
        self.queryString = HARQueryParam.parse(url: url)
        self.postData = postData
        self.headersSize = headersSize
        self.bodySize = bodySize
        self.trailers = []
        self.custom = []
    }
}

/// A header or trailer field (HAR 1.2 `headers[]`).
public struct HARHeader: Hashable, Sendable {
    /// The field name as sent.
    public var name: String
    /// The field value.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A query parameter (HAR 1.2 `queryString[]`), percent-decoded.
public struct HARQueryParam: Hashable, Sendable {
    /// The decoded name.
    public var name: String
    /// The decoded value; empty when the parameter had no `=`.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A request body (HAR 1.2 `postData`).
///
/// HAR 1.2 calls `text` and `params` mutually exclusive, but Chrome writes both for form posts and its
/// importer reads only `text`, so the writer always writes `text` and adds `params` when there are any.
/// HAR 1.2 has no `encoding` for `postData`: a body that is not valid UTF-8 is written as base64 with
/// a custom `"_encoding": "base64"` (HAR 1.3 drafts name it `encoding`).
public struct HARPostData: Hashable, Sendable {
    /// The `Content-Type` of the body.
    public var mimeType: String
    /// The body; nil writes an empty `text`.
    public var text: HARBody?
    /// Form parameters, for URL-encoded and multipart bodies.
    public var params: [HARParam]

    public init(mimeType: String, text: HARBody?, params: [HARParam] = []) {
        self.mimeType = mimeType
        self.text = text
        self.params = params
    }

    /// Largest form body whose `params` are parsed (bigger ones keep only `text`): 1 MiB.
    public static let maxFormBytes = 1 << 20

    /// A body whose `params` are parsed from it when `mimeType` is
    /// `application/x-www-form-urlencoded` and it is at most `maxFormBytes` long.
    public init(mimeType: String, body: BodyStorage) {
        self.mimeType = mimeType
        self.text = HARBody(body)
        var params: [HARParam] = []
        if HARParam.isFormURLEncoded(mimeType: mimeType), body.count <= Self.maxFormBytes, let form = try? body.readAll() {
            params = HARParam.parseForm(form)
        }
        self.params = params
    }
}

/// A posted parameter (HAR 1.2 `params[]`).
public struct HARParam: Hashable, Sendable {
    /// The parameter name.
    public var name: String
    /// The value, or a posted file's content.
    public var value: String?
    /// A posted file's name.
    public var fileName: String?
    /// A posted file's content type.
    public var contentType: String?

    public init(name: String, value: String? = nil, fileName: String? = nil, contentType: String? = nil) {
        self.name = name
        self.value = value
        self.fileName = fileName
        self.contentType = contentType
    }
}
