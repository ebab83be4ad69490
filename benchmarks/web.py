"""The web chat under load, the service as one process (`python -m bot run`, SQLite unless --database-url):

1. answer latency: P people each with an interview open (the 2022 self-assessment, 2,000 by default); answers are
   offered at R per second (50, 100, 200) for S seconds, each a form POST of the next person's current screen (an
   option number typed, as a person taps it), over keep-alive connections shared as a reverse proxy shares them,
   and the time from sending the POST to having read the whole page that answers it is recorded: p50 / p95 /
   p99, the rate achieved, and the service's CPU per answer;
2. event streams: E browsers (2,000 by default) each with a server-sent event stream open on the service; the
   service's resident memory is read before (idle, after the people above) and with every stream open.

The load generator is this process (aiohttp), on the same cores as the service: on a 2-core machine it competes
with the service, as the README's table notes.

    python benchmarks/web.py [--people 2000] [--rates 50 100 200] [--seconds 10] [--streams 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aiohttp import ClientSession, ClientTimeout, CookieJar, TCPConnector

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.web.harness import Service

FIELD = re.compile(r'<input type="hidden" name="(csrf|session|key|nonce)" value="([^"]*)">')
FORM = "miit-2022"


def fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in FIELD.findall(page)}


def proc_stat(pid: int) -> tuple[float, float]:
    """(CPU seconds, resident MB) of a process, from /proc."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(stat[11]) + int(stat[12])) / ticks
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return cpu, rss


#: the people's requests share keep-alive connections, as a reverse proxy in front of the service does
#: (a connection opened per request would measure the kernel and the collector, not the answer)
PROXY: list[TCPConnector] = []


def proxy() -> TCPConnector:
    if not PROXY:
        PROXY.append(TCPConnector(limit=256, keepalive_timeout=60))
    return PROXY[0]


class Person:
    def __init__(self, base: str) -> None:
        self.base = base
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True), connector=proxy(), connector_owner=False,
                                  timeout=ClientTimeout(total=60))
        self.page = ""

    async def open(self) -> None:
        async with self.http.get(self.base + "/") as answer:
            self.page = await answer.text()
        async with self.http.post(self.base + "/consent", data={"csrf": fields(self.page)["csrf"]}) as answer:
            self.page = await answer.text()
        async with self.http.post(self.base + f"/start/{FORM}", data={"csrf": fields(self.page)["csrf"]}) as answer:
            self.page = await answer.text()

    async def answer(self) -> float:
        data = {**fields(self.page), "do": "text", "text": "1"}
        started = time.perf_counter()
        async with self.http.post(self.base + "/chat", data=data) as answer:
            self.page = await answer.text()
            assert answer.status == 200, answer.status
        return time.perf_counter() - started


async def latency(service: Service, people: list[Person], rate: int, seconds: float) -> None:
    assert service.proc is not None
    cpu_before, _ = proc_stat(service.proc.pid)
    times: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    count = int(rate * seconds)

    async def one(person: Person) -> None:
        times.append(await person.answer())

    started = time.perf_counter()
    for n in range(count):
        wait = started + n / rate - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(people[n % len(people)])))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    cpu_after, _ = proc_stat(service.proc.pid)
    cuts = statistics.quantiles(times, n=100)
    print(f"{rate:>5}/s offered  {len(times) / elapsed:>7.1f}/s achieved  p50 {cuts[49] * 1000:7.1f} ms  "
          f"p95 {cuts[94] * 1000:7.1f} ms  p99 {cuts[98] * 1000:7.1f} ms  "
          f"service CPU {(cpu_after - cpu_before) / len(times) * 1000:5.2f} ms/answer", flush=True)


async def streams(service: Service, count: int) -> None:
    assert service.proc is not None
    await asyncio.sleep(1.0)
    _, idle = proc_stat(service.proc.pid)
    visitors: list[ClientSession] = []
    responses = []
    connector = TCPConnector(limit=0)
    try:
        for _ in range(count):
            http = ClientSession(cookie_jar=CookieJar(unsafe=True), connector=connector, connector_owner=False,
                                 timeout=ClientTimeout(total=None, sock_read=None))
            visitors.append(http)
        for start in range(0, count, 100):
            await asyncio.gather(*(_agree(http, service.url) for http in visitors[start:start + 100]))
        _, before = proc_stat(service.proc.pid)
        for http in visitors:
            answer = await http.get(service.url + "/events")
            assert answer.status == 200
            responses.append(answer)
        await asyncio.sleep(2.0)
        _, open_rss = proc_stat(service.proc.pid)
        print(f"{count} event streams open: service RSS {open_rss:.0f} MB; before opening them {before:.0f} MB "
              f"(+{open_rss - before:.0f} MB, {(open_rss - before) * 1024 / count:.1f} KB each); idle at the "
              f"start of this step {idle:.0f} MB", flush=True)
    finally:
        for answer in responses:
            answer.close()
        for http in visitors:
            await http.close()
        await connector.close()


async def _agree(http: ClientSession, base: str) -> None:
    async with http.get(base + "/") as answer:
        page = await answer.text()
    async with http.post(base + "/consent", data={"csrf": fields(page)["csrf"]}) as answer:
        await answer.read()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a SQLite file in a scratch folder")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        env = {"DATABASE_URL": args.database_url} if args.database_url else {}
        service = Service(Path(folder), env=env).start()
        try:
            assert service.proc is not None
            _, rss = proc_stat(service.proc.pid)
            print(f"service started: RSS {rss:.0f} MB", flush=True)
            people = [Person(service.url) for _ in range(args.people)]
            for start in range(0, len(people), 100):
                await asyncio.gather(*(p.open() for p in people[start:start + 100]))
            print(f"{len(people)} people with {FORM} open", flush=True)
            for rate in args.rates:
                await latency(service, people, rate, args.seconds)
            for person in people:
                await person.http.close()
            await proxy().close()
            if args.streams:
                await streams(service, args.streams)
        finally:
            code = service.stop()
            if code != 0:
                print(service.output())
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
