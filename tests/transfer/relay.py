"""A TCP relay that can drop a connection after the server answered (TLS passes through)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable


class DroppingRelay:
    """Forwards 127.0.0.1:port → target, dropping one server reply.

    Every byte from the client reaches the server. When server bytes arrive
    while ``processed()`` is true (the server has committed the request), the
    connection to the client is closed instead of forwarding them, once: the
    client never sees that response.
    """

    def __init__(self, target_port: int, processed: Callable[[], bool]) -> None:
        self._target = target_port
        self._processed = processed
        self.connections = 0
        self.dropped = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._stop = False
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._run, daemon=True)
        self._accept.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self._target))
            t = threading.Thread(target=self._pipe_pair, args=(client, upstream),
                                 daemon=True)
            t.start()
            self._threads.append(t)

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            stop.set()
            try:
                dst.shutdown(socket.SHUT_WR)  # pass the end of stream on
            except OSError:
                pass

    def _pipe_pair(self, client: socket.socket, upstream: socket.socket) -> None:
        stop = threading.Event()
        up = threading.Thread(target=self._pump, args=(client, upstream, stop), daemon=True)
        up.start()
        try:
            while not stop.is_set():
                data = upstream.recv(65536)
                if not data:
                    break
                if self.dropped == 0 and self._processed():
                    self.dropped += 1
                    break  # the reply is lost with the connection
                client.sendall(data)
        except OSError:
            pass
        finally:
            stop.set()
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            up.join(5)

    def close(self) -> None:
        self._stop = True
        self._accept.join(5)
        self._listener.close()
        for t in self._threads:
            t.join(5)
