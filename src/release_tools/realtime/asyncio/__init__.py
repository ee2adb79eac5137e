"""The asyncio layer of the realtime client: the WebSocket transport, sessions and the pool.

The sans-I/O core one level up decides what to send and what events mean; these modules move
bytes and time: connecting, reading frames, timeouts, cancellation and reconnection.
"""
