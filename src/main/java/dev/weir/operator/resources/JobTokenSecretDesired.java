package dev.weir.operator.resources;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

import dev.weir.api.StreamJob;
import dev.weir.operator.ResourceNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The Secret holding the job's control token, which workers and coordinator present to each other.
 * Generated once and kept across attempts and operator restarts: the operator re-attaches to
 * running workers with the token they already have.
 */
public final class JobTokenSecretDesired {

    private static final SecureRandom RANDOM = new SecureRandom();

    private JobTokenSecretDesired() {
    }

    public static Secret desired(StreamJob job) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(ResourceNames.tokenSecret(job.getMetadata().getName()))
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(ResourceNames.jobLabels(job))
                    .withOwnerReferences(Owners.reference(job))
                .endMetadata()
                .withType("Opaque")
                .withStringData(Map.of(ResourceNames.TOKEN_KEY, HexFormat.of().formatHex(bytes)))
                .build();
    }
}
