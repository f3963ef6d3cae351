package dev.weir.runtime.checkpoint;

/**
 * An immutable file of an incremental snapshot (a RocksDB SST file) in the job's {@code shared/}
 * directory: uploaded once, by checkpoint {@code createdIn}, and referenced by every later
 * checkpoint of the same database that still contains it.
 *
 * @param name the file's name in the database directory (e.g. {@code 000042.sst})
 * @param key its object key in checkpoint storage
 */
public record SharedFile(String name, String key, long length, long createdIn) {}
