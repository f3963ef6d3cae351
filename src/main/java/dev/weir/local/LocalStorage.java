package dev.weir.local;

import java.io.IOException;
import java.nio.file.Path;

import dev.weir.api.StorageSpec;
import dev.weir.runtime.storage.CheckpointStorage;
import dev.weir.runtime.storage.LocalObjectStore;
import dev.weir.runtime.storage.S3ObjectStore;
import dev.weir.runtime.storage.S3Settings;

/**
 * Opens the checkpoint storage a manifest names: a local directory ({@code storage.path}), an
 * S3-compatible endpoint (credentials from the environment), or by default the embedded
 * S3-compatible store, persisted under the state directory so a later run can restore.
 */
final class LocalStorage implements AutoCloseable {

    static final String ACCESS_KEY_ENV = "WEIR_S3_ACCESS_KEY";
    static final String SECRET_KEY_ENV = "WEIR_S3_SECRET_KEY";

    private final CheckpointStorage storage;
    private final EmbeddedS3Server embedded;
    private final WorkerStorage forWorkers;

    private LocalStorage(CheckpointStorage storage, EmbeddedS3Server embedded, WorkerStorage forWorkers) {
        this.storage = storage;
        this.embedded = embedded;
        this.forWorkers = forWorkers;
    }

    /**
     * @throws IllegalArgumentException settings that can never work (no credentials for an endpoint)
     * @throws dev.weir.runtime.storage.StorageRefusedException the store refuses them (credentials, bucket)
     * @throws IOException the store cannot be reached or fails
     */
    static LocalStorage open(StreamJobManifest manifest, Path stateDir) throws IOException {
        StorageSpec spec = manifest.spec().getStorage();
        String base = spec.getPrefix() + "/" + manifest.namespace() + "/" + manifest.name();
        if (spec.getPath() != null) {
            Path path = Path.of(spec.getPath()).toAbsolutePath();
            return new LocalStorage(new CheckpointStorage(new LocalObjectStore(path), base), null,
                    new WorkerStorage(path.toString(), base, null));
        }
        EmbeddedS3Server embedded = null;
        S3Settings settings;
        if (spec.getEndpoint() == null) {
            embedded = EmbeddedS3Server.startPersistent(stateDir.resolve("s3"));
            settings = embedded.settings(spec.getBucket());
        } else {
            String accessKey = env(ACCESS_KEY_ENV, "AWS_ACCESS_KEY_ID");
            String secretKey = env(SECRET_KEY_ENV, "AWS_SECRET_ACCESS_KEY");
            if (accessKey == null || secretKey == null) {
                throw new IllegalArgumentException("spec.storage.endpoint is set but no credentials were found: set "
                        + ACCESS_KEY_ENV + " and " + SECRET_KEY_ENV + " in the environment");
            }
            settings = new S3Settings(spec.getEndpoint(), spec.getBucket(), spec.getRegion(), spec.isPathStyle(),
                    accessKey, secretKey, "");
        }
        try {
            S3ObjectStore store = new S3ObjectStore(settings);
            store.ensureBucket();
            return new LocalStorage(new CheckpointStorage(store, base), embedded,
                    new WorkerStorage("s3://" + settings.bucket(), base, settings));
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value != null ? value : System.getenv(fallback);
    }

    CheckpointStorage storage() {
        return storage;
    }

    WorkerStorage forWorkers() {
        return forWorkers;
    }

    @Override
    public void close() {
        storage.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
