"""Inquiry submissions per second through POST /api/v1/inquiries/ (JSON, no attachments).

Run against a server started separately (gunicorn on loopback, PostgreSQL, Redis as the broker) with the
public throttle raised through the environment, never by a code change; see bench/RESULTS.md for the
exact commands. Each client process sends requests one after another for the given duration.

    python bench/complaints_submit.py --url http://127.0.0.1:8077 --seconds 15 --clients 6
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import time
from urllib.parse import urlsplit

PAYLOAD = {
    "name": "Công ty TNHH Logistics Đình Vũ",
    "email": "bench@dinhvu.example.vn",
    "phone": "0225 3836 000",
    "tax_code": "0100233488",
    "category": "procedures",
    "subject": "Thủ tục tạm nhập tái xuất máy móc thi công",
    "body": "Công ty chúng tôi cần tạm nhập máy xúc để thi công dự án, xin hướng dẫn hồ sơ và thời hạn tái xuất. " * 3,
    "declaration_number": "105123456789",
}


def client(url: str, seconds: float, start_at: float, results) -> None:
    parts = urlsplit(url)
    body = json.dumps(PAYLOAD).encode()
    headers = {"Content-Type": "application/json", "Accept-Language": "vi", "Connection": "close"}
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    latencies, failures = [], 0
    while time.time() < deadline:
        began = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
        try:
            connection.request("POST", "/api/v1/inquiries/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 201:
                latencies.append(time.perf_counter() - began)
            else:
                failures += 1
        except OSError:
            failures += 1
        finally:
            connection.close()
    results.put((latencies, failures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8077")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=6)
    args = parser.parse_args()

    results: multiprocessing.Queue = multiprocessing.Queue()
    start_at = time.time() + 1.0
    processes = [
        multiprocessing.Process(target=client, args=(args.url, args.seconds, start_at, results))
        for _ in range(args.clients)
    ]
    for process in processes:
        process.start()
    latencies, failures = [], 0
    for _ in processes:
        part, failed = results.get()
        latencies.extend(part)
        failures += failed
    for process in processes:
        process.join()

    rate = len(latencies) / args.seconds
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        f"{len(latencies)} inquiries created in {args.seconds:.0f} s by {args.clients} clients: "
        f"{rate:.0f}/s; latency p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms; "
        f"{failures} failed requests"
    )


if __name__ == "__main__":
    main()
