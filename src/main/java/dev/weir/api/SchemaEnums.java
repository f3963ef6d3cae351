package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The closed sets of string values in the spec, as enums only for the CRD schema
 * ({@code @SchemaFrom}): the API server then rejects a typo with the allowed values listed.
 * The spec keeps plain strings so that `weir local` reports a bad value through the validator,
 * in the same words the operator's Ready condition uses.
 */
final class SchemaEnums {

    private SchemaEnums() {
    }

    enum State {
        @JsonProperty(StreamJobSpec.STATE_RUNNING) RUNNING,
        @JsonProperty(StreamJobSpec.STATE_SUSPENDED) SUSPENDED
    }

    enum UpgradeMode {
        @JsonProperty(StreamJobSpec.UPGRADE_SAVEPOINT) SAVEPOINT,
        @JsonProperty(StreamJobSpec.UPGRADE_LAST_STATE) LAST_STATE,
        @JsonProperty(StreamJobSpec.UPGRADE_STATELESS) STATELESS
    }

    enum CheckpointMode {
        @JsonProperty(CheckpointingSpec.EXACTLY_ONCE) EXACTLY_ONCE,
        @JsonProperty(CheckpointingSpec.AT_LEAST_ONCE) AT_LEAST_ONCE
    }

    enum StateBackendType {
        @JsonProperty(StateBackendSpec.HEAP) HEAP,
        @JsonProperty(StateBackendSpec.ROCKSDB) ROCKSDB
    }

    enum ImagePullPolicy {
        Always, IfNotPresent, Never
    }

    /** Any object: the pod template is checked by the API server when the operator creates pods. */
    static final class FreeForm {
    }
}
