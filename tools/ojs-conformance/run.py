#!/usr/bin/env python3
"""Runs the Open Job Spec conformance suite (openjobspec/ojs-conformance, JSON test cases)
against an OJS HTTP server. Python 3 standard library only; see README.md next to this file.

The semantics follow the suite's reference HTTP runner (runner/http/runner.go and
lib/assertions.go at v0.4.0), including its leniencies; the few places where this runner
differs are listed in README.md ("Differences from the reference runner").
"""

import argparse
import decimal
import http.client
import json
import math
import os
import re
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

OJS_MEDIA_TYPE = "application/openjobspec+json"
LEVEL_NAMES = {0: "Core", 1: "Reliable", 2: "Scheduled", 3: "Orchestration", 4: "Advanced"}
EXTENSION_LEVEL = 99
MISSING = object()  # a matcher value that was absent from the test case

TEMPLATE = re.compile(r"\{\{steps\.([^.]+)\.response\.body\.([^}]+)\}\}")
WHOLE_BODY_TEMPLATE = re.compile(r"^\{\{steps\.([^.}]+)\.response\.body\}\}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
UUID_V7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
NUMBER_RANGE = re.compile(r"^number:range\((-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\)$")
ARRAY_LENGTH_CALL = re.compile(r"^array:length\((\d+)\)$")
APPROXIMATE = re.compile(r"^~(\d+(?:\.\d+)?)$")
APPROXIMATE_TOLERANCE_PCT = 50  # fixed for "~N" body matchers, as in the reference runner
KNOWN_STEP_KEYS = {"id", "action", "intent", "path", "headers", "body", "delay_ms", "duration_ms",
                   "assertions", "description", "parallel_with", "raw_body", "captures"}
KNOWN_ASSERTION_KEYS = {"status", "status_in", "body", "body_absent", "headers", "timing_ms",
                        "body_raw", "body_contains"}
ASSERT_STEP_KEYS = {"exclusive_claim", "equality"}


class Mismatch(Exception):
    """A matcher that does not hold; the message says what was expected and what was found."""


class PathError(Exception):
    """A JSON path that cannot be followed (wrong type on the way, index out of bounds)."""


# ---------------------------------------------------------------------------------------------
# Values as the reference runner (Go, encoding/json into any) sees them
# ---------------------------------------------------------------------------------------------

def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def go_float(value):
    """Go's %v of a float64 (strconv 'g', shortest digits): 42 -> 42, 1e6 -> 1e+06, 0.5 -> 0.5."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    shortest = decimal.Decimal(repr(abs(value))).as_tuple()  # repr: the shortest round-trip digits
    exponent = len(shortest.digits) + shortest.exponent - 1
    digits = "".join(str(digit) for digit in shortest.digits).rstrip("0") or "0"
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, mantissa, "-" if exponent < 0 else "+", abs(exponent))
    if exponent >= 0:
        whole, fraction = digits[:exponent + 1].ljust(exponent + 1, "0"), digits[exponent + 1:]
        return sign + whole + ("." + fraction if fraction else "")
    return sign + "0." + "0" * (-exponent - 1) + digits


def go_v(value):
    """Go's fmt %v of a decoded JSON value, used by contains:, not_contains: and path filters."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return go_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + " ".join(go_v(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join("%s:%s" % (key, go_v(value[key])) for key in sorted(value)) + "]"
    return str(value)


def go_type(value):
    """Go's %T of a decoded JSON value, for messages that read like the reference runner's."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "[]interface {}"
    return "map[string]interface {}"


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compact(value, limit=300):
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= limit else text[:limit] + "..."


def described(value):
    return "%s: %s" % (go_type(value), compact(value, 200))


# ---------------------------------------------------------------------------------------------
# JSON paths ($.job.id, $.jobs[0].args[0], $.jobs[*].id, $.jobs[?(@.state=='active')].id)
# ---------------------------------------------------------------------------------------------

def split_path(path):
    parts, current, depth = [], "", 0
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    if current:
        parts.append(current)
    return parts


def resolve_path(path, data):
    """The value at path, or None when a field is missing; PathError when the path cannot be
    followed. A root of None stands for a body that was not a JSON object (Go's nil map)."""
    if path.startswith("$."):
        path = path[2:]
    parts = split_path(path)
    current = {} if data is None else data
    for i, part in enumerate(parts):
        if part == "":
            continue
        bracket = part.find("[")
        if bracket < 0:
            if not isinstance(current, dict):
                raise PathError("expected object at %r, got %s" % (part, go_type(current)))
            if part not in current:
                return None
            current = current[part]
            continue
        field, rest = part[:bracket], part[bracket:]
        if field:
            if not isinstance(current, dict):
                raise PathError("expected object at %r, got %s" % (field, go_type(current)))
            current = current.get(field)
        if rest.startswith("[?(@."):
            close = rest.find(")]")
            if close < 0:
                raise PathError("unclosed filter expression in path %r" % part)
            expression, rest = rest[5:close], rest[close + 2:]
            equals = expression.find("==")
            if equals < 0:
                raise PathError("unsupported filter expression in path %r" % part)
            key, wanted = expression[:equals], expression[equals + 2:].strip("'\"")
            if not isinstance(current, list):
                raise PathError("expected array for filter at %r, got %s" % (part, go_type(current)))
            current = next((item for item in current
                            if isinstance(item, dict) and key in item and go_v(item[key]) == wanted), None)
            if rest and current is not None and rest.startswith("."):
                return resolve_path(rest[1:], current)
            continue
        while rest:
            if not rest.startswith("["):
                raise PathError("unexpected characters in path %r at %r" % (part, rest))
            close = rest.find("]")
            if close < 0:
                raise PathError("unclosed bracket in path %r" % part)
            index, rest = rest[1:close], rest[close + 1:]
            if index == "*":
                if not isinstance(current, list):
                    raise PathError("expected array at %r for wildcard, got %s" % (part, go_type(current)))
                remaining = ([rest] if rest else []) + parts[i + 1:]
                remaining_path = ".".join(remaining)
                if remaining_path.startswith("."):
                    remaining_path = remaining_path[1:]
                if not remaining_path:
                    return list(current)
                collected = []
                for item in current:
                    try:
                        value = resolve_path(remaining_path, item)
                    except PathError:
                        continue
                    if value is not None:
                        collected.append(value)
                return collected
            try:
                position = int(index)
            except ValueError:
                raise PathError("invalid array index in path %r: %r" % (part, index))
            if not isinstance(current, list):
                raise PathError("expected array at %r, got %s" % (part, go_type(current)))
            if position < 0 or position >= len(current):
                raise PathError("array index %d out of bounds (length %d) at %r" % (position, len(current), part))
            current = current[position]
    return current


# ---------------------------------------------------------------------------------------------
# Matchers (lib/assertions.go MatchAssertion)
# ---------------------------------------------------------------------------------------------

def match(matcher, actual):
    """Raises Mismatch when actual does not satisfy matcher (a decoded JSON value)."""
    if matcher is None:
        if actual is not None:
            raise Mismatch("expected null, got %s" % described(actual))
    elif isinstance(matcher, str):
        match_string(matcher, actual)
    elif isinstance(matcher, bool):
        if not isinstance(actual, bool):
            raise Mismatch("expected boolean %s, got %s" % (go_v(matcher), described(actual)))
        if actual != matcher:
            raise Mismatch("expected %s, got %s" % (go_v(matcher), go_v(actual)))
    elif is_number(matcher):
        match_number(matcher, actual)
    elif isinstance(matcher, list):
        if not isinstance(actual, list):
            raise Mismatch("expected array, got %s" % described(actual))
        if len(actual) != len(matcher):
            raise Mismatch("expected array of length %d, got length %d" % (len(matcher), len(actual)))
        for i, (element_matcher, element) in enumerate(zip(matcher, actual)):
            try:
                match(element_matcher, element)
            except Mismatch as mismatch:
                raise Mismatch("[%d]: %s" % (i, mismatch))
    elif isinstance(matcher, dict):
        match_object(matcher, actual)
    else:
        raise Mismatch("unknown matcher format: %s" % compact(matcher))


def array_of(actual, what):
    if not isinstance(actual, list):
        raise Mismatch("expected %s, got %s" % (what, described(actual)))
    return actual


def number_of(actual, what):
    if not is_number(actual):
        raise Mismatch("expected %s, got %s" % (what, described(actual)))
    return actual


def string_of(actual, what):
    if not isinstance(actual, str):
        raise Mismatch("expected %s, got %s" % (what, described(actual)))
    return actual


def count_suffix(matcher, prefix):
    text = matcher[len(prefix):]
    try:
        return int(text)
    except ValueError:
        raise Mismatch("invalid %s value %r" % (prefix.rstrip(":"), text))


def match_string(matcher, actual):
    if matcher == "any":
        return  # the reference runner lets "any" pass even for a missing field
    if matcher == "absent":
        if actual is not None:
            raise Mismatch("expected field to be absent, but got %s" % described(actual))
        return
    if matcher == "exists":
        if actual is None:
            raise Mismatch("expected field to exist, but it is missing")
        return
    if matcher in ("string:nonempty", "string:non_empty"):
        if string_of(actual, "non-empty string") == "":
            raise Mismatch("expected non-empty string, got empty string")
        return
    patterns = {"string:uuid": (UUID, "UUID"), "string:uuidv7": (UUID_V7, "UUIDv7"),
                "string:datetime": (DATETIME, "RFC 3339 datetime")}
    if matcher in patterns:
        pattern, what = patterns[matcher]
        if not pattern.match(string_of(actual, what + " string")):
            raise Mismatch("expected valid %s, got %s" % (what, json.dumps(actual)))
        return
    if matcher == "number:positive":
        if number_of(actual, "positive number") <= 0:
            raise Mismatch("expected positive number, got %s" % go_v(actual))
        return
    if matcher == "number:non_negative":
        if number_of(actual, "non-negative number") < 0:
            raise Mismatch("expected non-negative number, got %s" % go_v(actual))
        return
    if matcher == "array:nonempty":
        if not array_of(actual, "non-empty array"):
            raise Mismatch("expected non-empty array, got empty array")
        return
    if matcher == "array:empty":
        if array_of(actual, "empty array"):
            raise Mismatch("expected empty array, got array with %d elements" % len(actual))
        return
    for prefix in ("array:min_length:", "array:min:"):
        if matcher.startswith(prefix):
            minimum = count_suffix(matcher, prefix)
            if len(array_of(actual, "array with at least %d elements" % minimum)) < minimum:
                raise Mismatch("expected array with at least %d elements, got %d" % (minimum, len(actual)))
            return
    if matcher.startswith("array:length:"):
        length = count_suffix(matcher, "array:length:")
        if len(array_of(actual, "array of length %d" % length)) != length:
            raise Mismatch("expected array of length %d, got length %d" % (length, len(actual)))
        return
    for prefix, wanted in (("contains:", True), ("not_contains:", False)):
        if matcher.startswith(prefix):
            target = matcher[len(prefix):]
            found = any(go_v(item) == target for item in array_of(actual, "array for %s check" % prefix[:-1]))
            if found != wanted:
                raise Mismatch("expected array %s %r, got %s"
                               % ("to contain" if wanted else "to not contain", target, compact(actual, 200)))
            return
    if matcher.startswith("string:contains:"):
        part = matcher[len("string:contains:"):]
        if part not in string_of(actual, "string containing %r" % part):
            raise Mismatch("expected string containing %r, got %s" % (part, json.dumps(actual)))
        return
    found = NUMBER_RANGE.match(matcher)
    if found:
        low, high = float(found.group(1)), float(found.group(2))
        value = number_of(actual, "number in range [%s, %s]" % (go_v(low), go_v(high)))
        if value < low or value > high:
            raise Mismatch("expected number in range [%s, %s], got %s" % (go_v(low), go_v(high), go_v(value)))
        return
    found = ARRAY_LENGTH_CALL.match(matcher)
    if found:
        length = int(found.group(1))
        if len(array_of(actual, "array of length %d" % length)) != length:
            raise Mismatch("expected array of length %d, got length %d" % (length, len(actual)))
        return
    found = APPROXIMATE.match(matcher)
    if found:
        expected = float(found.group(1))
        value = number_of(actual, "approximate number ~%s" % go_v(expected))
        # no minimum tolerance here (unlike timing_ms.approximate), as in the reference runner
        tolerance = expected * APPROXIMATE_TOLERANCE_PCT / 100.0
        if abs(value - expected) > tolerance:
            raise Mismatch("expected ~%s (tolerance %d%%), got %s" % (go_v(expected), APPROXIMATE_TOLERANCE_PCT, go_v(value)))
        return
    if matcher.startswith("string:pattern(") and matcher.endswith(")"):
        pattern = matcher[len("string:pattern("):-1]
        text = string_of(actual, "string matching pattern %r" % pattern)
        if not regex_search(pattern, text):
            raise Mismatch("expected string matching pattern %r, got %s" % (pattern, json.dumps(text)))
        return
    if not isinstance(actual, str):
        raise Mismatch("expected string %s, got %s" % (json.dumps(matcher), described(actual)))
    if actual != matcher:
        raise Mismatch("expected %s, got %s" % (json.dumps(matcher), json.dumps(actual)))


def regex_search(pattern, text):
    """Go's regexp MatchString: unanchored search (RE2 syntax, close enough to Python's re)."""
    try:
        return re.search(pattern, text) is not None
    except re.error as error:
        raise Mismatch("invalid regex pattern %r: %s" % (pattern, error))


def match_number(expected, actual):
    value = number_of(actual, "number %s" % go_v(expected))
    if float(expected).is_integer() and float(value).is_integer():
        if int(expected) != int(value):
            raise Mismatch("expected %d, got %d" % (int(expected), int(value)))
    elif abs(expected - value) > 1e-9:
        raise Mismatch("expected %s, got %s" % (go_v(expected), go_v(value)))


def match_object(matcher, actual):
    if "$exists" in matcher:
        wanted = matcher["$exists"]
        if not isinstance(wanted, bool):
            raise Mismatch("invalid $exists value: %s" % compact(wanted))
        if wanted and actual is None:
            raise Mismatch("expected field to exist, but it is missing")
        if not wanted and actual is not None:
            raise Mismatch("expected field to not exist, but got %s" % described(actual))
        if isinstance(matcher.get("$type"), str) and json_type(actual) != matcher["$type"]:
            raise Mismatch("expected type %r, got %r" % (matcher["$type"], json_type(actual)))
        return
    if "$match" in matcher:
        pattern = matcher["$match"]
        if not isinstance(pattern, str):
            raise Mismatch("invalid $match value: %s" % compact(pattern))
        text = string_of(actual, "string for $match")
        if not regex_search(pattern, text):
            raise Mismatch("expected string matching pattern %r, got %s" % (pattern, json.dumps(text)))
        return
    for operator in ("$in", "$or"):
        if operator in matcher:
            alternatives = matcher[operator]
            if not isinstance(alternatives, list):
                raise Mismatch("invalid %s value: %s" % (operator, compact(alternatives)))
            for alternative in alternatives:
                try:
                    match(alternative, actual)
                    return
                except Mismatch:
                    pass
            raise Mismatch("value %s not found in %s list %s" % (compact(actual), operator, compact(alternatives)))
    if "$size" in matcher:
        items = array_of(actual, "array for $size")
        size = matcher["$size"]
        if is_number(size) and float(size).is_integer():
            if len(items) != size:
                raise Mismatch("expected array of size %d, got %d" % (size, len(items)))
            return
        if isinstance(size, dict) and is_number(size.get("$gte")):
            if len(items) < size["$gte"]:
                raise Mismatch("expected array of size >= %d, got %d" % (size["$gte"], len(items)))
            return
        raise Mismatch("unsupported $size format: %s" % compact(size))
    if "$empty" in matcher:
        return  # the reference runner lets $empty pass whatever the value
    if "range" in matcher:
        bounds = matcher["range"]
        if not isinstance(bounds, dict):
            raise Mismatch("invalid range value: %s" % compact(bounds))
        value = number_of(actual, "number for range check")
        if is_number(bounds.get("min")) and value < bounds["min"]:
            raise Mismatch("expected number >= %s, got %s" % (go_v(bounds["min"]), go_v(value)))
        if is_number(bounds.get("max")) and value > bounds["max"]:
            raise Mismatch("expected number <= %s, got %s" % (go_v(bounds["max"]), go_v(value)))
        return
    if not isinstance(actual, dict):
        raise Mismatch("expected object, got %s" % described(actual))
    for key, expected in matcher.items():
        if expected == "absent":
            if key in actual:
                raise Mismatch("field %r: expected absent, but field exists with value %s" % (key, compact(actual[key])))
            continue
        if key not in actual:
            raise Mismatch("field %r: expected to exist but is missing" % key)
        try:
            match(expected, actual[key])
        except Mismatch as mismatch:
            raise Mismatch("field %r: %s" % (key, mismatch))


# ---------------------------------------------------------------------------------------------
# Templates ({{steps.<id>.response.body.<path>}}), replaced in the text, as the reference does
# ---------------------------------------------------------------------------------------------

def template_value(value):
    if isinstance(value, str):
        return value
    if is_number(value) and not isinstance(value, bool):
        if float(value).is_integer():
            return "%d" % int(value)
        return go_float(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def resolve_templates(text, results):
    def replace(found):
        result = results.get(found.group(1))
        if result is None or result.parsed is None:
            return found.group(0)
        try:
            value = resolve_path(found.group(2), result.parsed)
        except PathError:
            return found.group(0)
        return found.group(0) if value is None else template_value(value)

    return TEMPLATE.sub(replace, text)


def resolve_json_templates(value, results):
    """A decoded JSON value with its templates resolved in its JSON text: like the reference
    runner, a replacement that breaks the JSON (an object put into a string) is not caught here
    but makes the matcher unreadable (InvalidMatcher)."""
    text = json.dumps(value, ensure_ascii=False)
    if "{{steps." not in text:
        return value
    resolved = resolve_templates(text, results)
    if resolved == text:
        return value
    try:
        return json.loads(resolved)
    except ValueError:
        return InvalidMatcher(resolved)


class InvalidMatcher:
    def __init__(self, text):
        self.text = text


def checked_match(matcher, actual):
    if isinstance(matcher, InvalidMatcher):
        raise Mismatch("unknown matcher format: %s" % matcher.text)
    match(matcher, actual)


def matcher_text(matcher):
    return matcher.text if isinstance(matcher, InvalidMatcher) else compact(matcher)


# ---------------------------------------------------------------------------------------------
# Running steps
# ---------------------------------------------------------------------------------------------

class StepResult:
    def __init__(self, step_id, method="", url="", request_body=None):
        self.step_id = step_id
        self.method = method
        self.url = url
        self.request_body = request_body
        self.status = 0
        self.headers = None  # http.client.HTTPMessage
        self.body = b""
        self.parsed = None  # the body when it is a JSON object, as the reference runner keeps it
        self.decoded = MISSING  # the body when it is any JSON value (ASSERT steps compare these)
        self.duration_ms = 0
        self.error = None

    def header(self, name):
        values = self.headers.get_all(name) if self.headers is not None else None
        return values[0] if values else ""

    def body_text(self):
        return self.body.decode("utf-8", errors="replace")


class Failure:
    def __init__(self, step_id, field, message, expected=None, actual=None):
        self.step_id = step_id
        self.field = field
        self.message = message
        self.expected = expected
        self.actual = actual

    def as_json(self):
        return {"step_id": self.step_id, "field": self.field, "message": self.message,
                "expected": self.expected, "actual": self.actual}


class Runner:
    def __init__(self, options):
        self.options = options
        parsed = urllib.parse.urlsplit(options.base_url.rstrip("/"))
        if parsed.scheme not in ("http", "https"):
            raise SystemExit("--base-url must be http:// or https://, got %r" % options.base_url)
        self.base_url = options.base_url.rstrip("/")
        self.warnings = []
        self.lock = threading.Lock()

    def warn(self, message):
        with self.lock:
            self.warnings.append(message)

    # -- HTTP ----------------------------------------------------------------------------------

    def request(self, method, url, body=None, headers=None):
        """(status, headers, body bytes, duration ms); raises OSError/HTTPException on transport errors."""
        target = urllib.parse.urlsplit(url)
        connection_type = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        connection = connection_type(target.hostname, target.port, timeout=self.options.timeout)
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        try:
            started = time.monotonic()
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            elapsed = int((time.monotonic() - started) * 1000)
            return response.status, response.msg, data, elapsed
        finally:
            connection.close()

    def reset(self):
        if not self.options.reset_url:
            return
        try:
            status, _, data, _ = self.request("POST", self.options.reset_url)
        except (OSError, http.client.HTTPException) as error:
            self.warn("reset %s failed: %s" % (self.options.reset_url, error))
            return
        if status // 100 != 2:
            self.warn("reset %s answered %d: %s" % (self.options.reset_url, status, data[:200].decode("utf-8", "replace")))

    # -- steps ---------------------------------------------------------------------------------

    def execute(self, step, results, case_name):
        """Runs one step; returns (StepResult, [Failure])."""
        step_id = step.get("id", "?")
        unknown = set(step) - KNOWN_STEP_KEYS
        if unknown:
            self.warn("%s: step %s has fields this runner ignores: %s" % (case_name, step_id, ", ".join(sorted(unknown))))
        delay = int(step.get("delay_ms") or 0)
        if delay > 0:
            time.sleep(delay / 1000.0)
        action = str(step.get("action", ""))
        if action.upper() == "WAIT":
            # with only delay_ms, the reference runner sleeps it twice (before the step and as the wait)
            wait = int(step.get("duration_ms") or 0) or delay
            if wait > 0:
                time.sleep(wait / 1000.0)
            return StepResult(step_id), []
        if action.upper() == "ASSERT" and not self.options.reference_compat:
            return StepResult(step_id), self.cross_step_assertions(step, results)

        path = resolve_templates(step.get("path") or "", results)
        url = self.base_url + path
        body = None
        if "raw_body" in step and not self.options.reference_compat:
            raw = step["raw_body"]
            body = raw if isinstance(raw, str) else json.dumps(raw)
            body = body.encode("utf-8")
        elif "body" in step:
            text = json.dumps(step["body"], ensure_ascii=False, separators=(",", ":"))
            body = resolve_templates(text, results).encode("utf-8")
        headers = dict(step.get("headers") or {})
        if body is not None and not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = OJS_MEDIA_TYPE
        result = StepResult(step_id, action, url, body)
        try:
            result.status, result.headers, result.body, result.duration_ms = self.request(action, url, body, headers)
        except (OSError, http.client.HTTPException, ValueError) as error:
            result.error = str(error)
            return result, [Failure(step_id, "request", "HTTP request failed: %s %s: %s" % (action, url, error))]
        if result.body:
            try:
                result.decoded = json.loads(result.body.decode("utf-8"))
            except ValueError:
                result.decoded = MISSING
            if isinstance(result.decoded, dict):
                result.parsed = result.decoded
        assertions = step.get("assertions")
        failures = self.evaluate(step_id, assertions, result, results, case_name) if assertions is not None else []
        return result, failures

    def evaluate(self, step_id, assertions, result, results, case_name):
        failures = []
        unknown = set(assertions) - KNOWN_ASSERTION_KEYS
        if unknown:
            self.warn("%s: step %s has assertions this runner does not evaluate: %s"
                      % (case_name, step_id, ", ".join(sorted(unknown))))
        if "status" in assertions:
            message = status_mismatch(assertions["status"], result.status)
            if message:
                failures.append(Failure(step_id, "status", message, compact(assertions["status"]), str(result.status)))
        if assertions.get("status_in"):
            if result.status not in assertions["status_in"]:
                failures.append(Failure(step_id, "status", "Expected status in %s, got %d"
                                        % (compact(assertions["status_in"]), result.status),
                                        "one of %s" % compact(assertions["status_in"]), str(result.status)))
        body = assertions.get("body")
        if isinstance(body, dict) and body:
            failures.extend(self.body_assertions(step_id, body, result, results, case_name))
        for path in assertions.get("body_absent") or []:
            try:
                value = resolve_path(path, result.parsed)
            except PathError:
                value = None
            if value is not None:
                failures.append(Failure(step_id, path, "Expected field %r to be absent" % path, "absent", compact(value)))
        for name, expected in header_matchers(assertions.get("headers")).items():
            actual = result.header(name)
            wanted, is_regex = expected
            matched = regex_matches(wanted, actual) if is_regex else actual == wanted
            if not matched:
                failures.append(Failure(step_id, "header:%s" % name, "Expected header %r=%r, got %r"
                                        % (name, wanted, actual), wanted, actual))
        failures.extend(self.timing_assertions(step_id, assertions.get("timing_ms"), result))
        for part in assertions.get("body_contains") or []:
            if part not in result.body_text():
                failures.append(Failure(step_id, "body_contains", "Response body does not contain %r" % part,
                                        "body containing %r" % part, result.body_text()[:200]))
        return failures

    def body_assertions(self, step_id, body, result, results, case_name):
        failures = []
        if "$or" in body and isinstance(body["$or"], list):
            if not any(self.alternative_holds(alternative, result, results) for alternative in body["$or"]
                       if isinstance(alternative, dict)):
                failures.append(Failure(step_id, "$or", "No $or alternative matched",
                                        compact(body["$or"], 500), compact(result.decoded, 500)
                                        if result.decoded is not MISSING else result.body_text()[:500]))
        if result.parsed is None:
            paths = [path for path in body if not (path.startswith("$") and not path.startswith("$."))]
            if paths:
                message = ("body assertions not evaluated (%s): the response body is not a JSON object"
                           % ", ".join(paths))
                if self.options.strict:
                    failures.append(Failure(step_id, "body", message, "a JSON object", result.body_text()[:200]))
                else:
                    self.warn("%s: step %s: %s (the reference runner skips them too; --strict fails them)"
                              % (case_name, step_id, message))
            return failures
        for path, matcher in body.items():
            if path.startswith("$") and not path.startswith("$."):
                continue
            resolved_path = resolve_templates(path, results)
            resolved_matcher = resolve_json_templates(matcher, results)
            try:
                value = resolve_path(resolved_path, result.parsed)
            except PathError as error:
                if resolved_matcher == "absent":
                    continue
                failures.append(Failure(step_id, path, "Failed to resolve path %r: %s" % (path, error),
                                        matcher_text(resolved_matcher), "(path not reachable)"))
                continue
            try:
                checked_match(resolved_matcher, value)
            except Mismatch as mismatch:
                failures.append(Failure(step_id, path, "Assertion failed at %r: %s" % (path, mismatch),
                                        matcher_text(resolved_matcher), "null" if value is None else compact(value)))
        return failures

    def alternative_holds(self, alternative, result, results):
        for path, matcher in alternative.items():
            try:
                value = resolve_path(path, result.parsed)
                checked_match(resolve_json_templates(matcher, results), value)
            except (PathError, Mismatch):
                return False
        return True

    def timing_assertions(self, step_id, timing, result):
        failures = []
        if not isinstance(timing, dict):
            return failures
        took = result.duration_ms
        if is_number(timing.get("less_than")) and took >= timing["less_than"]:
            failures.append(Failure(step_id, "timing", "Expected response in < %dms, took %dms"
                                    % (timing["less_than"], took), "< %dms" % timing["less_than"], "%dms" % took))
        if is_number(timing.get("greater_than")) and took <= timing["greater_than"]:
            failures.append(Failure(step_id, "timing", "Expected response in > %dms, took %dms"
                                    % (timing["greater_than"], took), "> %dms" % timing["greater_than"], "%dms" % took))
        if is_number(timing.get("approximate")):
            expected = float(timing["approximate"])
            tolerance = max(expected * self.options.tolerance / 100.0, 100.0)
            if abs(took - expected) > tolerance:
                failures.append(Failure(step_id, "timing", "timing assertion failed: expected ~%.0fms (tolerance: %.0fms),"
                                        " got %dms (diff: %.0fms)" % (expected, tolerance, took, abs(took - expected)),
                                        "~%.0fms" % expected, "%dms" % took))
        return failures

    # -- ASSERT steps (documented in docs/test-case-reference.md; the reference runner only
    #    sends them to the server as an HTTP method "ASSERT" and evaluates nothing) ------------

    def cross_step_assertions(self, step, results):
        step_id = step.get("id", "?")
        assertions = step.get("assertions") or {}
        failures = []
        for key in sorted(set(assertions) - ASSERT_STEP_KEYS):
            failures.append(Failure(step_id, key, "this runner cannot evaluate the ASSERT assertion %r" % key))
        claim = assertions.get("exclusive_claim")
        if isinstance(claim, dict):
            failures.extend(exclusive_claim(step_id, claim, results))
        equality = assertions.get("equality")
        if isinstance(equality, dict):
            for left, right in equality.items():
                expected = step_reference(right, results)
                actual = step_reference(left, results)
                if expected is MISSING or actual is MISSING or expected != actual:
                    failures.append(Failure(step_id, "equality", "%s differs from %s" % (left, right),
                                            "missing" if expected is MISSING else compact(expected, 500),
                                            "missing" if actual is MISSING else compact(actual, 500)))
        return failures

    # -- test cases ----------------------------------------------------------------------------

    def run_case(self, case):
        started = time.monotonic()
        results = {}
        outcome = {"test_id": case["test_id"], "name": case.get("name", ""), "level": case["level_int"],
                   "category": case.get("category", ""), "spec_ref": case.get("spec_ref", ""),
                   "file": case["file"], "status": "pass", "failures": [], "steps": []}
        label = "%s %s" % (case["test_id"], case.get("name", ""))
        for step in ((case.get("setup") or {}).get("steps") or []):
            result, failures = self.execute(step, results, label)
            results[result.step_id] = result
            outcome["steps"].append(step_summary(result))
            if failures:
                outcome["status"] = "error"
                first = failures[0]
                first.message = "Setup step failed: " + first.message
                outcome["failures"] = [first]
                outcome["duration_ms"] = int((time.monotonic() - started) * 1000)
                outcome["failed_results"] = {first.step_id: result}
                return outcome
        failed_results = {}
        for group in step_groups(case.get("steps") or []):
            if len(group) == 1:
                executed = [self.execute(group[0], results, label)]
            else:
                with ThreadPoolExecutor(max_workers=len(group)) as pool:
                    executed = list(pool.map(lambda s: self.execute(s, results, label), group))
            for result, failures in executed:
                results[result.step_id] = result
                outcome["steps"].append(step_summary(result))
                outcome["failures"].extend(failures)
                if failures:
                    failed_results.setdefault(result.step_id, result)
        for step in ((case.get("teardown") or {}).get("steps") or []):
            result, _ = self.execute(step, results, label)
            results[result.step_id] = result
        if outcome["failures"]:
            outcome["status"] = "fail"
        outcome["failed_results"] = failed_results
        outcome["duration_ms"] = int((time.monotonic() - started) * 1000)
        return outcome


def step_summary(result):
    return {"step_id": result.step_id, "method": result.method, "url": result.url, "status": result.status,
            "duration_ms": result.duration_ms, "body": result.body_text()[:2000], "error": result.error}


def step_groups(steps):
    """Steps in execution order; steps joined by parallel_with form one group that runs at once
    (the reference runner's collectParallelGroup, including its way of ending a group)."""
    members = set()
    for step in steps:
        if step.get("parallel_with"):
            members.add(step.get("id"))
            members.add(step["parallel_with"])
    done = set()
    groups = []
    for i, step in enumerate(steps):
        if step.get("id") in done:
            continue
        if step.get("id") in members:
            group = []
            for candidate in steps[i:]:
                if candidate.get("id") in members and (candidate.get("id") == step.get("id")
                                                       or candidate.get("parallel_with")):
                    group.append(candidate)
                if group and candidate.get("id") not in members:
                    break
            if len(group) > 1:
                groups.append(group)
                done.update(member.get("id") for member in group)
                continue
        groups.append([step])
        done.add(step.get("id"))
    return groups


def status_mismatch(expected, actual):
    if isinstance(expected, int) and not isinstance(expected, bool):
        return None if actual == expected else "Expected status %d, got %d" % (expected, actual)
    if isinstance(expected, str):
        if expected.startswith("one_of:"):
            codes = expected[len("one_of:"):]
            for code in codes.split(","):
                try:
                    if actual == int(code.strip()):
                        return None
                except ValueError:
                    return "invalid status code %r in one_of matcher" % code.strip()
            return "expected status one of [%s], got %d" % (codes, actual)
        try:
            match(expected, actual)
            return None
        except Mismatch as mismatch:
            return str(mismatch)
    if isinstance(expected, dict) and isinstance(expected.get("$in"), list) \
            and all(is_number(code) and float(code).is_integer() for code in expected["$in"]):
        codes = [int(code) for code in expected["$in"]]
        return None if actual in codes else "Expected status in %s, got %d" % (codes, actual)
    return "Unknown status assertion format: %s" % compact(expected)


def header_matchers(headers):
    """{name: (value, is_regex)} from "Name": "value" or "Name": {"$match": regex} / {"$eq": value}."""
    matchers = {}
    if not isinstance(headers, dict):
        return matchers
    for name, expected in headers.items():
        if isinstance(expected, str):
            matchers[name] = (expected, False)
        elif isinstance(expected, dict):
            if isinstance(expected.get("$match"), str):
                matchers[name] = (expected["$match"], True)
            elif isinstance(expected.get("$eq"), str):
                matchers[name] = (expected["$eq"], False)
    return matchers


def regex_matches(pattern, text):
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def step_reference(expression, results):
    """A value named by "{{steps.<id>.response.body[.<path>]}}" or "$.steps.<id>.response.body[.<path>]"."""
    if not isinstance(expression, str):
        return expression
    found = WHOLE_BODY_TEMPLATE.match(expression) or TEMPLATE.fullmatch(expression)
    if found:
        step_id, path = found.group(1), (found.group(2) if found.re is TEMPLATE else "")
    else:
        found = re.fullmatch(r"\$\.steps\.([^.]+)\.response\.body(?:\.(.+))?", expression)
        if not found:
            return expression
        step_id, path = found.group(1), found.group(2) or ""
    result = results.get(step_id)
    if result is None or result.decoded is MISSING:
        return MISSING
    if not path:
        return result.decoded
    try:
        value = resolve_path(path, result.decoded)
    except PathError:
        return MISSING
    return MISSING if value is None else value


def exclusive_claim(step_id, claim, results):
    job_id = step_reference(claim.get("job_id"), results)
    fetches = [step_reference(fetch, results) for fetch in claim.get("fetches") or []]
    described_fetches = [("missing" if jobs is MISSING else compact(jobs, 300)) for jobs in fetches]
    lists = [jobs if isinstance(jobs, list) else [] for jobs in fetches]
    with_job = sum(1 for jobs in lists if any(isinstance(job, dict) and job.get("id") == job_id for job in jobs))
    empty = sum(1 for jobs in lists if not jobs)
    failures = []
    if claim.get("exactly_one_has_job") and with_job != 1:
        failures.append(Failure(step_id, "exclusive_claim.exactly_one_has_job",
                                "%d of %d fetches received job %s" % (with_job, len(lists), job_id),
                                "exactly one", " | ".join(described_fetches)))
    if claim.get("exactly_one_empty") and empty != 1:
        failures.append(Failure(step_id, "exclusive_claim.exactly_one_empty",
                                "%d of %d fetches were empty" % (empty, len(lists)),
                                "exactly one", " | ".join(described_fetches)))
    return failures


# ---------------------------------------------------------------------------------------------
# Loading and reporting
# ---------------------------------------------------------------------------------------------

def parse_level(raw):
    if raw is None:
        return 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        if raw in ("ext", "extension"):
            return EXTENSION_LEVEL
        return int(raw)
    raise ValueError("cannot parse level from %r" % (raw,))


def load_cases(suite_dir):
    cases = []
    for root, dirs, files in os.walk(suite_dir):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as source:
                try:
                    case = json.load(source)
                except ValueError as error:
                    raise SystemExit("cannot read %s: %s" % (path, error))
            try:
                case["level_int"] = parse_level(case.get("level"))
            except ValueError as error:
                raise SystemExit("cannot read %s: level: %s" % (path, error))
            case["file"] = os.path.relpath(path, suite_dir)
            case.setdefault("test_id", case["file"])
            cases.append(case)
    cases.sort(key=lambda case: case["test_id"])
    return cases


def in_level_directory(case):
    return any(part.startswith("level-") for part in case["file"].split(os.sep)[:-1])


def select(cases, options):
    levels = {int(level) for level in options.levels.split(",") if level.strip()} if options.levels else None
    selected, outside = [], 0
    for case in cases:
        if levels is not None and case["level_int"] not in levels:
            continue
        if not options.all_dirs and not in_level_directory(case):
            outside += 1
            continue
        if options.only:
            needle = options.only.lower()
            if not any(needle in str(case.get(key, "")).lower() for key in ("test_id", "name", "file")):
                continue
        selected.append(case)
    return selected, outside


def excerpt(text, limit):
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "... (%d chars)" % len(text)


def print_failure(outcome, options, out):
    failures = outcome["failures"]
    first_step = failures[0].step_id
    shown = failures if options.verbose else [failure for failure in failures if failure.step_id == first_step]
    result = outcome["failed_results"].get(first_step)
    if result is not None and result.method:
        out.write("    step %s: %s %s -> %s (%d ms)\n" % (first_step, result.method, result.url,
                                                         result.status or "no answer", result.duration_ms))
        if result.request_body is not None:
            out.write("      request:  %s\n" % excerpt(result.request_body.decode("utf-8", "replace"), 300))
    else:
        out.write("    step %s\n" % first_step)
    for failure in shown:
        prefix = "" if failure.step_id == first_step else "[%s] " % failure.step_id
        out.write("      %s%s\n" % (prefix, failure.message))
        if failure.expected is not None or failure.actual is not None:
            out.write("        expected: %s\n" % failure.expected)
            out.write("        actual:   %s\n" % failure.actual)
    if result is not None and result.method:
        out.write("      response: %s\n" % excerpt(result.body_text(), options.body_excerpt))
    later = sorted({failure.step_id for failure in failures} - {first_step},
                   key=lambda step_id: [f.step_id for f in failures].index(step_id))
    if later and not options.verbose:
        out.write("    later failing steps: %s\n" % ", ".join(later))


def report_json(outcomes, summary, options, warnings):
    cases = []
    for outcome in outcomes:
        entry = {key: value for key, value in outcome.items() if key != "failed_results"}
        entry["failures"] = [failure.as_json() for failure in outcome["failures"]]
        cases.append(entry)
    return {"target": options.base_url, "reset_url": options.reset_url, "suite": options.suite,
            "levels": options.levels, "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "summary": summary, "warnings": warnings, "cases": cases}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run the OJS conformance suite against an OJS HTTP server.")
    parser.add_argument("--suite", required=True, help="the suite's suites/ directory (or one level's directory)")
    parser.add_argument("--base-url", default=os.environ.get("OJS_TEST_URL", "http://localhost:8080"),
                        help="the server, e.g. http://127.0.0.1:8080 (default: $OJS_TEST_URL or http://localhost:8080)")
    parser.add_argument("--reset-url", help="POSTed before each case, e.g. http://127.0.0.1:8080/ojs/v1/admin/reset")
    parser.add_argument("--levels", default="0,1,2", help="comma-separated levels to run (default 0,1,2)")
    parser.add_argument("--only", help="run the cases whose test id, name or file contains this (case-insensitive)")
    parser.add_argument("--all-dirs", action="store_true",
                        help="also run cases of the selected levels outside level-* directories (extensions, "
                             "wasi, agent...), as the reference runner's -level does")
    parser.add_argument("--json", dest="json_out", help="write the full report (every step's answer) to this file")
    parser.add_argument("--timeout", type=float, default=30, help="HTTP timeout in seconds (default 30)")
    parser.add_argument("--tolerance", type=float, default=50, help="timing_ms.approximate tolerance in %% (default 50)")
    parser.add_argument("--strict", action="store_true",
                        help="fail body assertions on a response that is not a JSON object (the reference runner skips them)")
    parser.add_argument("--reference-compat", action="store_true",
                        help="do exactly what the reference runner does: send ASSERT steps as HTTP requests without "
                             "evaluating them, ignore raw_body")
    parser.add_argument("--body-excerpt", type=int, default=600, help="characters of a failing response body to print")
    parser.add_argument("--verbose", action="store_true", help="print every failure of a case, not only the first step's")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")
    options = parser.parse_args(argv)

    if not os.path.isdir(options.suite):
        parser.error("--suite %s is not a directory" % options.suite)
    cases, outside = select(load_cases(options.suite), options)
    if not cases:
        print("No test cases match --levels %s%s in %s." % (options.levels, " --only " + options.only
                                                             if options.only else "", options.suite), file=sys.stderr)
        return 2
    out = sys.stdout
    if options.list:
        for case in cases:
            out.write("%-14s L%d %-34s %s\n" % (case["test_id"], case["level_int"], case.get("name", ""), case["file"]))
        return 0
    runner = Runner(options)
    if outside:
        out.write("(%d cases of these levels outside level-* directories not run; --all-dirs runs them)\n" % outside)
    out.write("OJS conformance: %d cases against %s, reset %s\n"
              % (len(cases), runner.base_url, options.reset_url or "(none: cases share state)"))
    outcomes = []
    started = time.monotonic()
    for case in cases:
        warnings_before = len(runner.warnings)
        runner.reset()
        outcome = runner.run_case(case)
        outcomes.append(outcome)
        out.write("%s %-14s %-44s %6d ms\n" % ("PASS" if outcome["status"] == "pass" else
                                              ("FAIL" if outcome["status"] == "fail" else "ERR "),
                                              outcome["test_id"], outcome["name"][:44], outcome["duration_ms"]))
        if outcome["status"] != "pass":
            print_failure(outcome, options, out)
        for warning in runner.warnings[warnings_before:]:
            out.write("    warning: %s\n" % warning)
        out.flush()

    summary = {"levels": {}, "total": len(outcomes), "passed": 0, "duration_ms": int((time.monotonic() - started) * 1000)}
    for outcome in outcomes:
        level = summary["levels"].setdefault(str(outcome["level"]), {"total": 0, "passed": 0, "failing": []})
        level["total"] += 1
        if outcome["status"] == "pass":
            level["passed"] += 1
            summary["passed"] += 1
        else:
            level["failing"].append(outcome["test_id"])
    out.write("\nSummary (%s):\n" % (options.only and "only %r" % options.only or "levels " + options.levels))
    for level in sorted(summary["levels"], key=int):
        counts = summary["levels"][level]
        out.write("  level %s %-13s %3d / %3d passed%s\n" % (level, LEVEL_NAMES.get(int(level), "Extension"),
                                                            counts["passed"], counts["total"],
                                                            ("; failing: " + " ".join(counts["failing"]))
                                                            if counts["failing"] else ""))
    out.write("  all          %3d / %3d passed in %.1f s\n" % (summary["passed"], summary["total"],
                                                              summary["duration_ms"] / 1000.0))
    if options.json_out:
        with open(options.json_out, "w", encoding="utf-8") as target:
            json.dump(report_json(outcomes, summary, options, runner.warnings), target, indent=2, ensure_ascii=False)
        out.write("  report: %s\n" % options.json_out)
    return 0 if summary["passed"] == summary["total"] else 1


if __name__ == "__main__":
    sys.exit(main())
