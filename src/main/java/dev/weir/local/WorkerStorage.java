package dev.weir.local;

import dev.weir.runtime.storage.S3Settings;
import dev.weir.runtime.worker.WorkerEnvironment;

/** How worker processes reach the job's checkpoint storage: their WEIR_STORAGE_* / WEIR_S3_* variables. */
public record WorkerStorage(String uri, String base, S3Settings s3) {

    public void writeTo(WorkerEnvironment env) {
        env.storage(uri, base);
        if (s3 != null) {
            env.s3(s3.endpoint(), s3.region(), s3.pathStyle(), new WorkerEnvironment.Text(s3.accessKey()),
                    new WorkerEnvironment.Text(s3.secretKey()));
        }
    }
}
