from reelcast.cli import entrypoint

entrypoint()
