#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""greeter.py - a small SMTP greeter on a loopback port, one behaviour per
instance, for tests/integration/probe.py and tests/bench/bench-probe.sh.

  greeter.py BEHAVIOUR [--port N] [--ports K] [--host NAME] [--delay S]
             [--lifetime S]

It listens on 127.0.0.1 (port N, or a free one; K ports with --ports),
prints the port(s) on one line of standard output, separated by spaces,
once it listens, and serves each connection
in a thread until --lifetime seconds have passed (default 300) or it is
killed. Behaviours:

  polite      after --delay seconds (default 0), "220 HOST ESMTP", then
              EHLO/HELO (250), NOOP/RSET (250), QUIT (221 and close),
              anything else 502; no STARTTLS offered
  huge-line   a 1 MB greeting on one line ("220 " and 1 MB of "x")
  many-lines  20000 "220-" lines, then a "220 " line
  no-eol      "220 hello" and no line end, then silence
  slow        a valid greeting, one byte a second
  garbage     binary bytes (NUL, ESC, 0xff, 0x80-0x9f, BEL) then CRLF
  reject      "554 5.7.1 go away"
  reset       accept, then close with SO_LINGER 0 (a TCP reset)
  silent      accept and say nothing

After a hostile greeting it answers QUIT with 221 and anything else with
503, and closes. Every loop is bounded: by the bytes of the greeting, by
COMMANDS_MAX commands a connection, and by CONN_SECONDS a connection.
Only 127.0.0.1 is ever bound; nothing is ever connected to.
"""

import argparse
import socket
import struct
import sys
import threading
import time

BEHAVIOURS = ("polite", "huge-line", "many-lines", "no-eol", "slow",
              "garbage", "reject", "reset", "silent")
COMMANDS_MAX = 100     # commands read on one connection
CONN_SECONDS = 60      # the longest a connection is served
LINE_MAX = 4096        # a command line longer than this ends the connection
HUGE = 1024 * 1024


def send(conn, data):
    try:
        conn.sendall(data)
        return True
    except OSError:
        return False


def read_line(conn, buf, deadline):
    """(line, rest) of the next CRLF/LF-terminated line, (None, buf) when
    the peer closed, the deadline passed or the line is too long"""
    while b"\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0 or len(buf) > LINE_MAX:
            return None, buf
        conn.settimeout(left)
        try:
            chunk = conn.recv(4096)
        except OSError:
            return None, buf
        if not chunk:
            return None, buf
        buf += chunk
    line, _, rest = buf.partition(b"\n")
    return line.rstrip(b"\r"), rest


def dialogue(conn, host, polite, deadline):
    """answer commands until QUIT, a close, COMMANDS_MAX or the deadline"""
    buf = b""
    for _ in range(COMMANDS_MAX):
        line, buf = read_line(conn, buf, deadline)
        if line is None:
            return
        verb = line.split(b" ", 1)[0].upper()
        if verb == b"QUIT":
            send(conn, b"221 2.0.0 Bye\r\n")
            return
        if not polite:
            reply = b"503 5.5.1 no\r\n"
        elif verb == b"EHLO":
            reply = (b"250-" + host + b"\r\n250-PIPELINING\r\n"
                     b"250-SIZE 10240000\r\n250-8BITMIME\r\n"
                     b"250 SMTPUTF8\r\n")
        elif verb == b"HELO":
            reply = b"250 " + host + b"\r\n"
        elif verb in (b"NOOP", b"RSET"):
            reply = b"250 2.0.0 Ok\r\n"
        else:
            reply = b"502 5.5.2 Error: command not recognized\r\n"
        if not send(conn, reply):
            return


def hold(conn, deadline):
    """keep the connection open, reading and discarding, until the peer
    closes or the deadline passes"""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        conn.settimeout(min(left, 1.0))
        try:
            if not conn.recv(4096):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def serve(conn, behaviour, host, delay):
    deadline = time.monotonic() + CONN_SECONDS
    try:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if behaviour == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            return
        if behaviour == "silent":
            hold(conn, deadline)
            return
        if behaviour == "polite":
            if delay > 0:
                time.sleep(delay)
            if send(conn, b"220 " + host + b" ESMTP\r\n"):
                dialogue(conn, host, True, deadline)
            return
        if behaviour == "no-eol":
            send(conn, b"220 hello")
            hold(conn, deadline)
            return
        if behaviour == "slow":
            greeting = b"220 " + host + b" ESMTP slowly\r\n"
            for i in range(len(greeting)):   # bounded by the greeting
                if not send(conn, greeting[i:i + 1]):
                    return
                if i + 1 < len(greeting):
                    time.sleep(1.0)
            dialogue(conn, host, False, deadline)
            return
        conn.settimeout(CONN_SECONDS)
        if behaviour == "huge-line":
            data = b"220 " + b"x" * HUGE + b"\r\n"
        elif behaviour == "many-lines":
            data = (b"220-" + host + b" line\r\n") * 20000 \
                + b"220 " + host + b" ESMTP\r\n"
        elif behaviour == "garbage":
            data = (b"\x00\x1b[2J\x1b]0;owned\x07\xff\xfe\x80\x9b"
                    b"\xc3\x28 garbage \x00\x01\x7f\r\n")
        elif behaviour == "reject":
            data = b"554 5.7.1 go away\r\n"
        else:
            return
        if send(conn, data):
            dialogue(conn, host, False, deadline)
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("behaviour", choices=BEHAVIOURS)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="mail.bl-test.net")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="polite: seconds before the greeting")
    ap.add_argument("--lifetime", type=float, default=300.0,
                    help="seconds after which the greeter exits")
    ap.add_argument("--ports", type=int, default=1,
                    help="listen on this many ports (1..1000; with "
                    "--port, consecutive from it)")
    a = ap.parse_args()
    if not 1 <= a.ports <= 1000:
        ap.error("--ports takes 1 to 1000")
    host = a.host.encode("ascii")
    listeners = []
    for i in range(a.ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", a.port + i if a.port else 0))
        s.listen(256)
        listeners.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in listeners))
    sys.stdout.flush()
    end = time.monotonic() + a.lifetime
    threads = [threading.Thread(target=accept_loop, daemon=True,
                                args=(s, end, a.behaviour, host, a.delay))
               for s in listeners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 0


def accept_loop(s, end, behaviour, host, delay):
    """serve connections on s until end (a monotonic time)"""
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(min(left, 1.0))
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        except OSError:
            break
        threading.Thread(target=serve, args=(conn, behaviour, host, delay),
                         daemon=True).start()
    s.close()


if __name__ == "__main__":
    sys.exit(main())
