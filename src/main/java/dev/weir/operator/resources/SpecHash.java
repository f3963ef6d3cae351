package dev.weir.operator.resources;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.weir.api.StreamJobSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A short hash of the spec parts that shape a deployment. State, the nonces and spec.savepoints are
 * left out: they ask for actions (suspend, savepoint, restart, disposal), not for a redeployment with
 * other settings. spec.savepoints is left out entirely (not reset), so jobs deployed before it
 * existed keep their hash and are not redeployed by an operator upgrade.
 */
public final class SpecHash {

    private SpecHash() {
    }

    public static String of(StreamJobSpec spec) {
        StreamJobSpec copy = Serialization.clone(spec);
        copy.setState(StreamJobSpec.STATE_RUNNING);
        copy.setSavepointNonce(0);
        copy.setRestartNonce(0);
        copy.setSavepoints(null);
        copy.setUpgradeMode(StreamJobSpec.UPGRADE_SAVEPOINT);
        copy.setInitialSavepointPath(null);
        copy.setRestartPolicy(new dev.weir.api.RestartPolicySpec());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Serialization.asJson(copy).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
