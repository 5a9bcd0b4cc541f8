/// Cumulative metrics as OTLP carries them (`opentelemetry.proto.metrics.v1`): monotonic integer sums
/// and explicit-bucket histograms, each point keyed by its attributes.
public struct OTLPMetric: Sendable {
    /// A point's value.
    public enum Data: Sendable {
        /// A monotonic cumulative count.
        case sum([OTLPAttribute], Int64)
        /// A cumulative histogram: counts per bucket (one more than `bounds`), their sum, count, min, max.
        case histogram([OTLPAttribute], HistogramPoint)
    }

    /// Counts of values per bucket (`bounds[i-1] < v <= bounds[i]`), as OTLP's explicit buckets.
    public struct HistogramPoint: Sendable {
        public var bounds: [Double]
        public var bucketCounts: [UInt64]
        public var count: UInt64 = 0
        public var sum: Double = 0
        public var minimum = Double.infinity
        public var maximum = -Double.infinity

        /// Empty, with `bounds` (ascending).
        public init(bounds: [Double]) {
            self.bounds = bounds
            bucketCounts = Array(repeating: 0, count: bounds.count + 1)
        }

        /// Adds one value.
        public mutating func record(_ value: Double) {
            let bucket = bounds.firstIndex { value <= $0 } ?? bounds.count
            if bucketCounts.indices.contains(bucket) { bucketCounts[bucket] &+= 1 }
            count &+= 1
            sum += value
            minimum = min(minimum, value)
            maximum = max(maximum, value)
        }
    }

    /// The metric name (`http.client.request.duration`).
    public var name: String
    public var description: String
    /// UCUM unit (`s`, `{request}`).
    public var unit: String
    /// Its points.
    public var points: [Data]

    /// - Parameters: as the properties of the same names.
    public init(name: String, description: String, unit: String, points: [Data]) {
        self.name = name
        self.description = description
        self.unit = unit
        self.points = points
    }

    /// Writes the `Metric` message, every point spanning `start`…`time` (nanoseconds since the epoch).
    func write(_ field: Int, start: Int64, time: Int64, to writer: inout ProtobufWriter) {
        writer.messageField(field, always: true) { metric in
            metric.stringField(1, name)
            metric.stringField(2, description)
            metric.stringField(3, unit)
            let sums = points.compactMap { if case .sum(let attributes, let value) = $0 { (attributes, value) } else { nil } }
            let histograms = points.compactMap { if case .histogram(let attributes, let point) = $0 { (attributes, point) } else { nil } }
            if !sums.isEmpty {
                metric.messageField(7, always: true) { sum in
                    for (attributes, value) in sums {
                        sum.messageField(1, always: true) { point in
                            point.fixed64Field(2, UInt64(clamping: start))
                            point.fixed64Field(3, UInt64(clamping: time))
                            point.sfixed64Field(6, value, always: true)
                            attributes.write(7, to: &point)
                        }
                    }
                    sum.varintField(2, 2)  // AGGREGATION_TEMPORALITY_CUMULATIVE
                    sum.boolField(3, true)
                }
            }
            if !histograms.isEmpty {
                metric.messageField(9, always: true) { histogram in
                    for (attributes, value) in histograms {
                        histogram.messageField(1, always: true) { point in
                            point.fixed64Field(2, UInt64(clamping: start))
                            point.fixed64Field(3, UInt64(clamping: time))
                            point.fixed64Field(4, value.count)
                            point.doubleField(5, value.sum, always: true)
                            point.packedFixed64Field(6, value.bucketCounts)
                            point.packedDoubleField(7, value.bounds)
                            attributes.write(9, to: &point)
                            if value.count > 0 {
                                point.doubleField(11, value.minimum, always: true)
                                point.doubleField(12, value.maximum, always: true)
                            }
                        }
                    }
                    histogram.varintField(2, 2)  // AGGREGATION_TEMPORALITY_CUMULATIVE
                }
            }
        }
    }
}

/// Builds the request bodies of `/v1/metrics`.
public enum OTLPMetricsRequest {
    /// An `ExportMetricsServiceRequest`: one `ResourceMetrics` per resource, each with one `ScopeMetrics`.
    public static func encode(_ groups: [(resource: OTLPResource, metrics: [OTLPMetric])], start: Int64, time: Int64, scopeVersion: String) -> [UInt8] {
        OTLPEnvelope.encode(groups.map { (resource: $0.resource, items: $0.metrics) }, scopeVersion: scopeVersion) { metrics, scopeMetrics in
            for metric in metrics { metric.write(2, start: start, time: time, to: &scopeMetrics) }
        }
    }
}
