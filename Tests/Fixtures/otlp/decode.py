#!/usr/bin/env python3
"""Decodes an OTLP request body with the official opentelemetry-proto classes and prints it as JSON,
ids as lower-case hex (as a Collector shows them).

usage: decode.py traces|metrics < body.pb"""
import base64
import json
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

MESSAGES = {"traces": trace_service_pb2.ExportTraceServiceRequest, "metrics": metrics_service_pb2.ExportMetricsServiceRequest}


def hex_ids(value):
    """MessageToDict writes bytes fields as base64: the id fields become hex."""
    if isinstance(value, dict):
        return {k: (base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") else hex_ids(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [hex_ids(v) for v in value]
    return value


def decode(signal, raw):
    """The request as a dict; raises on bytes that are not a valid message of that type."""
    message = MESSAGES[signal]()
    message.ParseFromString(raw)
    return hex_ids(json_format.MessageToDict(message))


if __name__ == "__main__":
    print(json.dumps(decode(sys.argv[1], sys.stdin.buffer.read())))
