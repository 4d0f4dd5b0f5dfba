#!/usr/bin/env python3
"""A TCP proxy that adds latency, for fault trials (this kernel has no sch_netem).

    scripts/latency-proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT DELAY_MS

Listens on 127.0.0.1:LISTEN_PORT and forwards each connection to the target. Passes bytes
through at once until SIGUSR1; from then every chunk sent towards the target waits DELAY_MS
(in order), as `tc netem delay` on the client's side would; SIGUSR2 ends the delay. Prints
"listening" once it accepts connections.
"""
import asyncio
import signal
import sys

listen_port = int(sys.argv[1])
target_host, target_port = sys.argv[2].rsplit(":", 1)
delay = int(sys.argv[3]) / 1000.0
state = {"delay": 0.0}


async def pipe(reader, writer, delayed):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read():
        while True:
            data = await reader.read(65536)
            wait = state["delay"] if delayed else 0.0
            await queue.put((loop.time() + wait, data))
            if not data:
                return

    async def write():
        while True:
            due, data = await queue.get()
            pause = due - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read(), write())
    except (ConnectionError, OSError):
        writer.close()


async def serve(client_reader, client_writer):
    print("connection", flush=True)
    try:
        server_reader, server_writer = await asyncio.open_connection(target_host, int(target_port))
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, server_writer, True), pipe(server_reader, client_writer, False),
                         return_exceptions=True)


async def main():
    loop = asyncio.get_running_loop()
    # A parent may have blocked these (a test runner's threads do), and a child inherits the mask.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1, signal.SIGUSR2})

    def set_delay(seconds):
        state.update(delay=seconds)
        print(f"delay {int(seconds * 1000)} ms", flush=True)

    loop.add_signal_handler(signal.SIGUSR1, lambda: set_delay(delay))
    loop.add_signal_handler(signal.SIGUSR2, lambda: set_delay(0.0))
    server = await asyncio.start_server(serve, "127.0.0.1", listen_port)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
