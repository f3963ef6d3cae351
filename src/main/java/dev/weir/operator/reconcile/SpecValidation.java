package dev.weir.operator.reconcile;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.weir.api.SecretKeySelectorSpec;
import dev.weir.api.StorageSpec;
import dev.weir.api.StreamJob;
import dev.weir.api.StreamJobSpecValidator;
import dev.weir.operator.resources.StorageLocation;
import dev.weir.operator.resources.WorkerPodTemplate;
import dev.weir.operator.runtime.StorageAccess;
import dev.weir.runtime.storage.S3Settings;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Checks a StreamJob before anything is deployed: the spec rules shared with `weir local`, then
 * what only a cluster has (the pod template, storage the operator can reach, the credentials
 * Secret). A problem becomes a Ready=False condition with a reason, never an exception that would
 * retry forever.
 * Messages name Secrets and keys, never their values.
 */
public final class SpecValidation {

    /** Either problems (reason + message) or the storage the job may use. */
    public record Result(ReadyReason reason, String message, StorageAccess storage) {
        public boolean valid() {
            return reason == null;
        }
    }

    private SpecValidation() {
    }

    public static Result validate(StreamJob job, Secret credentials) {
        List<String> problems = new ArrayList<>(StreamJobSpecValidator.validate(job.getSpec()));
        if (job.getSpec() != null) {
            // Only pods have a template: `weir local` ignores it.
            problems.addAll(WorkerPodTemplate.of(job.getSpec().getPodTemplate()).problems());
        }
        if (!problems.isEmpty()) {
            return invalid(ReadyReason.InvalidSpec, String.join("; ", problems));
        }
        StorageSpec storage = job.getSpec().getStorage();
        if (storage.getPath() != null) {
            return invalid(ReadyReason.InvalidStorage, "spec.storage.path works only with `weir local`;"
                    + " on Kubernetes set spec.storage.endpoint to an S3-compatible store");
        }
        if (storage.getEndpoint() == null) {
            return invalid(ReadyReason.InvalidStorage, "spec.storage.endpoint is required on Kubernetes"
                    + " (the embedded store exists only in `weir local`)");
        }
        SecretKeySelectorSpec ref = storage.getCredentialsSecret();
        if (ref == null) {
            return invalid(ReadyReason.InvalidStorage, "spec.storage.credentialsSecret is required: the operator and"
                    + " the workers sign S3 requests with the key pair it names");
        }
        if (credentials == null) {
            return invalid(ReadyReason.SecretNotFound, "Secret " + ref.getName() + " (spec.storage.credentialsSecret)"
                    + " not found in namespace " + job.getMetadata().getNamespace());
        }
        String accessKey = value(credentials, ref.getAccessKeyKey());
        String secretKey = value(credentials, ref.getSecretKeyKey());
        if (accessKey == null || secretKey == null) {
            return invalid(ReadyReason.SecretNotFound, "Secret " + ref.getName() + " has no key "
                    + (accessKey == null ? ref.getAccessKeyKey() : ref.getSecretKeyKey()));
        }
        S3Settings s3 = new S3Settings(storage.getEndpoint(), storage.getBucket(), storage.getRegion(),
                storage.isPathStyle(), accessKey, secretKey, "");
        return new Result(null, null, new StorageAccess(s3, StorageLocation.basePath(job)));
    }

    private static Result invalid(ReadyReason reason, String message) {
        return new Result(reason, message, null);
    }

    /** A Secret's value from data (base64) or stringData (what a mock or a fresh object may carry). */
    private static String value(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            return new String(Base64.getDecoder().decode(data.get(key)), java.nio.charset.StandardCharsets.UTF_8);
        }
        Map<String, String> stringData = secret.getStringData();
        return stringData == null ? null : stringData.get(key);
    }
}
