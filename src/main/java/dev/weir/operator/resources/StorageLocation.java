package dev.weir.operator.resources;

import dev.weir.api.StreamJob;

/** Where a job's snapshots go inside its bucket: {@code <prefix>/<namespace>/<job>} (design §5). */
public final class StorageLocation {

    private StorageLocation() {
    }

    public static String basePath(StreamJob job) {
        return job.getSpec().getStorage().getPrefix() + "/" + job.getMetadata().getNamespace() + "/"
                + job.getMetadata().getName();
    }
}
