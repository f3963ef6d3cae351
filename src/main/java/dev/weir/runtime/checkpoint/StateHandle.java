package dev.weir.runtime.checkpoint;

/** Where a piece of snapshot state lives: a byte range of one object in checkpoint storage. */
public record StateHandle(String key, long offset, int length) {}
