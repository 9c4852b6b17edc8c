"""Tests of run.py: python3 -m unittest discover -s tools/ojs-conformance (standard library only)."""

import contextlib
import io
import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import run


def holds(matcher, actual):
    try:
        run.match(matcher, actual)
        return True
    except run.Mismatch:
        return False


class MatcherTests(unittest.TestCase):

    def test_literals_and_types(self):
        self.assertTrue(holds("available", "available"))
        self.assertFalse(holds("available", "active"))
        self.assertTrue(holds(0, 0))
        self.assertTrue(holds(10, 10.0))
        self.assertFalse(holds(0, False))  # a boolean is not a number
        self.assertFalse(holds(False, 0))
        self.assertTrue(holds(None, None))
        self.assertFalse(holds(None, 0))

    def test_string_matchers(self):
        self.assertTrue(holds("string:uuidv7", "01a232e4-8fc4-7000-9746-44a4b63ac378"))
        self.assertFalse(holds("string:uuidv7", "01a232e4-8fc4-4000-9746-44a4b63ac378"))
        self.assertTrue(holds("string:datetime", "2026-12-01T18:36:09.540750Z"))
        self.assertFalse(holds("string:datetime", "2026-12-01 18:36:09"))
        self.assertTrue(holds("string:contains:not found", "job not found"))
        self.assertTrue(holds("string:pattern(^test\\.)", "test.echo"))
        self.assertFalse(holds("string:nonempty", ""))

    def test_number_and_array_matchers(self):
        self.assertTrue(holds("number:range(400,422)", 404))
        self.assertFalse(holds("number:range(400,422)", 201))
        self.assertTrue(holds("~1000", 1400))
        self.assertFalse(holds("~1000", 1600))
        self.assertTrue(holds("array:length:2", [1, 2]))
        self.assertTrue(holds("array:length(0)", []))
        self.assertTrue(holds("array:min_length:1", [1]))
        self.assertTrue(holds("contains:3", [1, 3.0]))  # compared as Go's %v prints them
        self.assertFalse(holds("not_contains:urgent", ["urgent"]))
        self.assertTrue(holds(["string:nonempty", 2], ["a", 2]))
        self.assertFalse(holds(["string:nonempty"], ["a", 2]))

    def test_operators(self):
        self.assertTrue(holds({"$exists": True, "$type": "string"}, "x"))
        self.assertFalse(holds({"$exists": True, "$type": "number"}, "x"))
        self.assertTrue(holds({"$exists": False}, None))
        self.assertTrue(holds({"$in": ["completed", "cancelled"]}, "cancelled"))
        self.assertTrue(holds({"$or": ["string:nonempty", {"$exists": False}]}, None))
        self.assertTrue(holds({"$size": {"$gte": 1}}, [1]))
        self.assertFalse(holds({"$size": 2}, [1]))
        self.assertTrue(holds({"range": {"min": 1000}}, 1000))
        self.assertTrue(holds({"code": "conflict", "hint": "absent"}, {"code": "conflict", "message": "m"}))
        self.assertFalse(holds({"code": "conflict"}, {"message": "m"}))

    def test_reference_leniencies_are_kept(self):
        self.assertTrue(holds("any", None))
        self.assertTrue(holds({"$empty": True}, {"not": "empty"}))
        self.assertEqual("expected ~1000 (tolerance 50%), got 1600",
                         str(self.mismatch("~1000", 1600)))

    def mismatch(self, matcher, actual):
        with self.assertRaises(run.Mismatch) as raised:
            run.match(matcher, actual)
        return raised.exception


class PathTests(unittest.TestCase):
    body = {"jobs": [{"id": "a", "state": "active", "n": 1}, {"id": "b", "state": "available", "n": 2}],
            "job": None}

    def test_paths(self):
        self.assertEqual("b", run.resolve_path("$.jobs[1].id", self.body))
        self.assertEqual(["a", "b"], run.resolve_path("$.jobs[*].id", self.body))
        self.assertEqual("b", run.resolve_path("$.jobs[?(@.state=='available')].id", self.body))
        self.assertEqual("b", run.resolve_path("$.jobs[?(@.n==2)].id", self.body))
        self.assertIsNone(run.resolve_path("$.missing", self.body))
        self.assertIsNone(run.resolve_path("$.job", None))  # a body that was not an object
        with self.assertRaises(run.PathError):
            run.resolve_path("$.jobs[2].id", self.body)
        with self.assertRaises(run.PathError):
            run.resolve_path("$.job.id", self.body)


class StubServer(BaseHTTPRequestHandler):
    """Answers PUSH with a job, GET with it, the first FETCH with it, anything else 404; counts resets."""
    resets = 0
    fetched = threading.Lock()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/reset":
            StubServer.resets += 1
            return self.answer(200, {"reset": True})
        if self.path == "/ojs/v1/jobs":
            request = json.loads(body)
            if self.headers.get("Content-Type") != run.OJS_MEDIA_TYPE:
                return self.answer(415, {"error": {"code": "unsupported_media_type"}})
            return self.answer(201, {"job": {"id": "01a232e4-8fc4-7000-9746-44a4b63ac378", "type": request["type"],
                                             "state": "available", "attempt": 0}})
        if self.path == "/ojs/v1/workers/fetch":
            first = StubServer.fetched.acquire(blocking=False)
            return self.answer(200, {"jobs": [{"id": "01a232e4-8fc4-7000-9746-44a4b63ac378"}] if first else []})
        self.answer(404, {"error": {"code": "not_found"}})

    def do_GET(self):
        if self.path == "/ojs/v1/jobs/01a232e4-8fc4-7000-9746-44a4b63ac378":
            return self.answer(200, {"job": {"id": "01a232e4-8fc4-7000-9746-44a4b63ac378", "state": "available"}})
        self.answer(404, {"error": {"code": "not_found"}})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", run.OJS_MEDIA_TYPE)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *arguments):
        pass


class EndToEndTests(unittest.TestCase):

    def setUp(self):
        StubServer.resets = 0
        StubServer.fetched = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), StubServer)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.suite = tempfile.TemporaryDirectory()
        os.makedirs(os.path.join(self.suite.name, "level-0-core"))
        os.makedirs(os.path.join(self.suite.name, "ext-other"))

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.suite.cleanup()

    def case(self, directory, test_id, steps, level=0):
        with open(os.path.join(self.suite.name, directory, test_id + ".json"), "w") as target:
            json.dump({"test_id": test_id, "level": level, "name": test_id.lower(), "steps": steps}, target)

    def run_suite(self, *arguments):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = run.main(["--suite", self.suite.name, "--base-url", self.url, "--reset-url", self.url + "/reset",
                             "--levels", "0"] + list(arguments))
        return code, out.getvalue()

    def test_a_passing_case_with_templates_and_a_failing_case_with_its_mismatch(self):
        push = {"id": "step-1", "action": "POST", "path": "/ojs/v1/jobs", "body": {"type": "test.echo", "args": []},
                "assertions": {"status": 201, "body": {"$.job.id": "string:uuidv7", "$.job.attempt": 0}}}
        get = {"id": "step-2", "action": "GET", "path": "/ojs/v1/jobs/{{steps.step-1.response.body.job.id}}",
               "assertions": {"status": 200, "body": {"$.job.id": "{{steps.step-1.response.body.job.id}}"}}}
        self.case("level-0-core", "L0-T-001", [push, get])
        wrong = dict(get, id="step-2", assertions={"status": 200, "body": {"$.job.state": "active"}})
        self.case("level-0-core", "L0-T-002", [push, wrong])
        self.case("ext-other", "L0-EXT-001", [push])

        code, output = self.run_suite()

        self.assertEqual(1, code, output)
        self.assertIn("PASS L0-T-001", output)
        self.assertIn("FAIL L0-T-002", output)
        self.assertIn("Assertion failed at '$.job.state': expected \"active\", got \"available\"", output)
        self.assertIn("level 0 Core            1 /   2 passed; failing: L0-T-002", output)
        self.assertNotIn("L0-EXT-001", output)
        self.assertEqual(2, StubServer.resets)

    def test_exit_code_zero_when_all_pass_and_exclusive_claim_is_evaluated(self):
        push = {"id": "step-1", "action": "POST", "path": "/ojs/v1/jobs", "body": {"type": "x", "args": []}}
        fetch = {"action": "POST", "path": "/ojs/v1/workers/fetch", "body": {"queues": ["default"]},
                 "assertions": {"status": 200}}
        claim = {"job_id": "{{steps.step-1.response.body.job.id}}",
                 "fetches": ["{{steps.step-2.response.body.jobs}}", "{{steps.step-3.response.body.jobs}}"],
                 "exactly_one_has_job": True, "exactly_one_empty": True}
        steps = [push, dict(fetch, id="step-2", parallel_with="step-3"), dict(fetch, id="step-3", parallel_with="step-2"),
                 {"id": "step-4", "action": "ASSERT", "assertions": {"exclusive_claim": claim}}]
        self.case("level-0-core", "L0-T-003", steps)
        self.case("level-0-core", "L0-T-004", steps[:1] + [dict(fetch, id="step-2"), dict(fetch, id="step-3"),
                                                         {"id": "step-4", "action": "ASSERT",
                                                          "assertions": {"exclusive_claim": dict(
                                                              claim, exactly_one_empty=False)}}])

        code, output = self.run_suite("--only", "T-003")

        self.assertEqual(0, code, output)
        self.assertIn("PASS L0-T-003", output)

        StubServer.fetched = threading.Lock()
        claim_twice = self.run_suite("--only", "T-004")[1]
        self.assertIn("PASS L0-T-004", claim_twice)

    def test_an_exclusive_claim_that_does_not_hold_fails(self):
        push = {"id": "step-1", "action": "POST", "path": "/ojs/v1/jobs", "body": {"type": "x", "args": []}}
        claim = {"job_id": "{{steps.step-1.response.body.job.id}}",
                 "fetches": ["{{steps.step-1.response.body.jobs}}", "{{steps.step-1.response.body.jobs}}"],
                 "exactly_one_has_job": True}
        self.case("level-0-core", "L0-T-005", [push, {"id": "step-2", "action": "ASSERT",
                                                      "assertions": {"exclusive_claim": claim}}])

        code, output = self.run_suite("--only", "T-005")

        self.assertEqual(1, code, output)
        self.assertIn("0 of 2 fetches received job 01a232e4-8fc4-7000-9746-44a4b63ac378", output)

    def test_parallel_groups(self):
        steps = [{"id": "a"}, {"id": "b", "parallel_with": "c"}, {"id": "c", "parallel_with": "b"}, {"id": "d"}]
        self.assertEqual([["a"], ["b", "c"], ["d"]],
                         [[step["id"] for step in group] for group in run.step_groups(steps)])


if __name__ == "__main__":
    unittest.main()
