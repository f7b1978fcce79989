"""Log shipping: whole lines, in order, in chunks no larger than the limit."""

from __future__ import annotations

from services.agent import logs


class Recorder:
    def __init__(self, accept: bool = True) -> None:
        self.chunks: list[bytes] = []
        self.accept = accept

    async def send(self, data: bytes) -> bool:
        self.chunks.append(data)
        return self.accept


def shipper(recorder: Recorder, limit: int = 16) -> logs.LogShipper:
    # A long interval: only the size limit and close() can cause a send in these tests.
    return logs.LogShipper(recorder.send, interval=3600.0, limit=limit)


async def test_close_sends_everything_including_an_unterminated_line() -> None:
    recorder = Recorder()
    ship = shipper(recorder, limit=1024)
    ship.write(b"one\ntw")
    ship.write(b"o\nthree")
    await ship.close()
    assert b"".join(recorder.chunks) == b"one\ntwo\nthree"
    assert recorder.chunks[-1].endswith(b"three")


async def test_partial_lines_wait_for_their_newline() -> None:
    recorder = Recorder()
    ship = shipper(recorder, limit=8)
    ship.write(b"abc")
    ship.write(b"defg")  # 7 bytes, no newline, below the limit: held
    ship.write(b"\n" + b"x" * 8)  # the line ends and 8 more bytes reach the limit
    await ship.close()
    assert recorder.chunks[0] == b"abcdefg\n"
    assert all(len(chunk) <= 8 for chunk in recorder.chunks)
    assert b"".join(recorder.chunks) == b"abcdefg\n" + b"x" * 8


async def test_large_output_is_split_at_the_limit_in_order() -> None:
    recorder = Recorder()
    ship = shipper(recorder, limit=16)
    data = b"".join(b"line %03d\n" % i for i in range(50))
    for i in range(0, len(data), 7):
        ship.write(data[i:i + 7])
    await ship.close()
    assert b"".join(recorder.chunks) == data
    assert max(len(chunk) for chunk in recorder.chunks) <= 16


async def test_refused_output_stops_shipping() -> None:
    recorder = Recorder(accept=False)
    ship = shipper(recorder, limit=4)
    ship.write(b"first\n")
    await ship.close()
    ship.write(b"more\n")
    await ship.close()
    assert recorder.chunks == [b"firs"]
