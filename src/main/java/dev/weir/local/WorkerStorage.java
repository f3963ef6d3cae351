package dev.weir.local;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.weir.runtime.storage.S3Settings;

/** How worker processes reach the job's checkpoint storage: their WEIR_STORAGE_* / WEIR_S3_* variables. */
public record WorkerStorage(String uri, String base, S3Settings s3) {

    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WEIR_STORAGE_URI", uri);
        env.put("WEIR_STORAGE_BASE", base);
        if (s3 != null) {
            env.put("WEIR_S3_ENDPOINT", s3.endpoint());
            if (s3.region() != null) {
                env.put("WEIR_S3_REGION", s3.region());
            }
            env.put("WEIR_S3_PATH_STYLE", Boolean.toString(s3.pathStyle()));
            env.put("WEIR_S3_ACCESS_KEY", s3.accessKey());
            env.put("WEIR_S3_SECRET_KEY", s3.secretKey());
        }
        return env;
    }
}
