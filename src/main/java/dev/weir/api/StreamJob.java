package dev.weir.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A streaming job the operator runs on worker pods: {@code kubectl apply} one, watch
 * {@code kubectl get sj}. The columns are what a user scanning many jobs needs first: is it
 * running, how wide, are all workers up, is it checkpointing, is it flapping.
 */
@Group(StreamJob.GROUP)
@Version(StreamJob.VERSION)
@Plural(StreamJob.PLURAL)
@ShortNames("sj")
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Parallelism", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".spec.job.parallelism")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.readyWorkers")
@AdditionalPrinterColumn(name = "Checkpoint", type = AdditionalPrinterColumn.Type.INTEGER,
        jsonPath = ".status.lastCheckpoint.id")
@AdditionalPrinterColumn(name = "Restarts", type = AdditionalPrinterColumn.Type.INTEGER, jsonPath = ".status.restarts")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class StreamJob extends CustomResource<StreamJobSpec, StreamJobStatus> implements Namespaced {

    public static final String GROUP = "weir.dev";
    public static final String VERSION = "v1alpha1";
    public static final String PLURAL = "streamjobs";
    public static final String CRD_NAME = PLURAL + "." + GROUP;

    @Override
    protected StreamJobSpec initSpec() {
        return new StreamJobSpec();
    }

    @Override
    protected StreamJobStatus initStatus() {
        return new StreamJobStatus();
    }
}
