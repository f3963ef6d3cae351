package dev.weir.operator.reconcile;

import dev.weir.operator.runtime.AttemptView;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Everything one reconcile looked at, gathered before anything is decided.
 *
 * @param credentials the Secret spec.storage.credentialsSecret names; null when absent or not named.
 *     Its values stay in memory: they are never logged nor copied into status or events.
 */
public record Observation(WorkerPods pods, AttemptView runtime, Secret credentials, String currentSpecHash) {}
