"""A loopback OpenAI-style upstream that streams a 60-word answer (or max_tokens words), one word per SSE chunk every
20 ms."""
import json, socket, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ("The quarterly report shows steady growth in every region and the board approved the budget for next year "
         "while the team plans two launches, a hiring round, an audit of suppliers, and a review of pricing before "
         "the summer so that customers see the changes early and partners can prepare their own plans in time").split()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        # no Nagle: each event leaves at once (else the first event waits for the ACK of the headers)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        words = WORDS[:max(1, int(request.get("max_tokens", len(WORDS))))]  # fewer for the warm-up requests
        time.sleep(0.02)  # the first token takes as long as every other one; headers go with it
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, w in enumerate(words):
            if i > 0:
                time.sleep(0.02)
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": {"content": w + " "}, "finish_reason": None}]}
            self.write_event(json.dumps(chunk))
        done = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        self.write_event(json.dumps(done))
        self.write_event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")

    def write_event(self, data):
        body = ("data: " + data + "\n\n").encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(body), body))
        self.wfile.flush()


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
