package dev.weir.runtime.storage;

/** A multipart upload in progress; {@code key} is relative to the store's key prefix. */
public record MultipartUpload(String key, String uploadId) {}
