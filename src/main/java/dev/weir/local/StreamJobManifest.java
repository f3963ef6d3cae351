package dev.weir.local;

import dev.weir.api.StreamJobSpec;

import java.util.Objects;

/** A StreamJob as read from a manifest file: the parts of the custom resource `weir local` needs. */
public record StreamJobManifest(String apiVersion, String kind, String name, String namespace, StreamJobSpec spec) {

    /** Kubernetes puts a resource without a namespace into this one; `weir local` does the same. */
    public static final String DEFAULT_NAMESPACE = "default";

    public StreamJobManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(spec, "spec");
        namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
    }
}
