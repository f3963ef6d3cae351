package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;

import java.util.List;
import java.util.Map;

/** The desired state of one StreamJob: what to run, how to checkpoint it, and where to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StreamJobSpec {

    public static final String STATE_RUNNING = "running";
    public static final String STATE_SUSPENDED = "suspended";
    public static final List<String> STATES = List.of(STATE_RUNNING, STATE_SUSPENDED);

    public static final String UPGRADE_SAVEPOINT = "savepoint";
    public static final String UPGRADE_LAST_STATE = "last-state";
    public static final String UPGRADE_STATELESS = "stateless";
    public static final List<String> UPGRADE_MODES = List.of(UPGRADE_SAVEPOINT, UPGRADE_LAST_STATE, UPGRADE_STATELESS);

    public static final List<String> IMAGE_PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");

    @JsonPropertyDescription("Container image of the workers. It must contain the job class;"
            + " when absent, the operator's own image (which ships Weir's example jobs) is used.")
    private String image;

    @JsonPropertyDescription("Always, IfNotPresent or Never. Default: the Kubernetes default for the image tag.")
    @SchemaFrom(type = SchemaEnums.ImagePullPolicy.class)
    private String imagePullPolicy;

    @JsonPropertyDescription("Service account the worker pods run as. Default: the namespace's default account.")
    private String serviceAccount;

    @JsonPropertyDescription("The job class to run, its arguments and its parallelism.")
    private JobSpec job = new JobSpec();

    @JsonPropertyDescription("When and how checkpoints are taken.")
    private CheckpointingSpec checkpointing = new CheckpointingSpec();

    @JsonPropertyDescription("Where keyed state lives (heap or rocksdb) and whether checkpoints are incremental.")
    private StateBackendSpec stateBackend = new StateBackendSpec();

    @JsonPropertyDescription("S3-compatible storage for checkpoints and savepoints.")
    private StorageSpec storage = new StorageSpec();

    @JsonPropertyDescription("When a silent worker counts as lost, and how the job restarts after a failure.")
    private RestartPolicySpec restartPolicy = new RestartPolicySpec();

    @JsonPropertyDescription("running, or suspended: the job is stopped after a savepoint and resumes"
            + " from it when set back to running. Default running.")
    @SchemaFrom(type = SchemaEnums.State.class)
    private String state = STATE_RUNNING;

    @JsonPropertyDescription("How a running job carries its state across a spec change: savepoint (take a"
            + " savepoint, then redeploy from it), last-state (redeploy from the latest completed checkpoint)"
            + " or stateless (start empty). Default savepoint.")
    // Savepoint by default: an upgrade must never silently lose state, and a savepoint is the one
    // snapshot taken exactly at the switch-over.
    @SchemaFrom(type = SchemaEnums.UpgradeMode.class)
    private String upgradeMode = UPGRADE_SAVEPOINT;

    @JsonPropertyDescription("Savepoint or checkpoint to restore from on the first deployment,"
            + " e.g. s3://weir/weir/default/my-job/savepoints/sp-7. Ignored once the job has checkpoints.")
    private String initialSavepointPath;

    @JsonPropertyDescription("Change this number to trigger a savepoint of the running job.")
    private long savepointNonce;

    @JsonPropertyDescription("How many savepoints status.savepointHistory keeps, and which of them to dispose of.")
    private SavepointsSpec savepoints = new SavepointsSpec();

    @JsonPropertyDescription("Change this number to restart all workers from the latest checkpoint.")
    private long restartNonce;

    @JsonPropertyDescription("CPU and memory requests and limits of each worker container; each one named here"
            + " replaces the pod template's. The worker heap is 75% of the memory limit (else of the request).")
    private ResourcesSpec resources;

    @JsonPropertyDescription("Pod template each worker pod is built on (labels, annotations, node selectors,"
            + " tolerations, volumes, sidecars, ...). Its container named worker is merged into the worker container"
            + " (env, envFrom, volumeMounts, ports, probes, resources); Weir's command, WEIR_* variables, ports, mounts"
            + " and security settings take precedence.")
    @PreserveUnknownFields
    @SchemaFrom(type = SchemaEnums.FreeForm.class)
    private Map<String, Object> podTemplate;

    public StateBackendSpec getStateBackend() {
        return stateBackend;
    }

    public void setStateBackend(StateBackendSpec stateBackend) {
        this.stateBackend = stateBackend;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getImagePullPolicy() {
        return imagePullPolicy;
    }

    public void setImagePullPolicy(String imagePullPolicy) {
        this.imagePullPolicy = imagePullPolicy;
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = serviceAccount;
    }

    public JobSpec getJob() {
        return job;
    }

    public void setJob(JobSpec job) {
        this.job = job;
    }

    public CheckpointingSpec getCheckpointing() {
        return checkpointing;
    }

    public void setCheckpointing(CheckpointingSpec checkpointing) {
        this.checkpointing = checkpointing;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public RestartPolicySpec getRestartPolicy() {
        return restartPolicy;
    }

    public void setRestartPolicy(RestartPolicySpec restartPolicy) {
        this.restartPolicy = restartPolicy;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public String getUpgradeMode() {
        return upgradeMode;
    }

    public void setUpgradeMode(String upgradeMode) {
        this.upgradeMode = upgradeMode;
    }

    public String getInitialSavepointPath() {
        return initialSavepointPath;
    }

    public void setInitialSavepointPath(String initialSavepointPath) {
        this.initialSavepointPath = initialSavepointPath;
    }

    public long getSavepointNonce() {
        return savepointNonce;
    }

    public void setSavepointNonce(long savepointNonce) {
        this.savepointNonce = savepointNonce;
    }

    public SavepointsSpec getSavepoints() {
        return savepoints;
    }

    public void setSavepoints(SavepointsSpec savepoints) {
        this.savepoints = savepoints;
    }

    public long getRestartNonce() {
        return restartNonce;
    }

    public void setRestartNonce(long restartNonce) {
        this.restartNonce = restartNonce;
    }

    public ResourcesSpec getResources() {
        return resources;
    }

    public void setResources(ResourcesSpec resources) {
        this.resources = resources;
    }

    public Map<String, Object> getPodTemplate() {
        return podTemplate;
    }

    public void setPodTemplate(Map<String, Object> podTemplate) {
        this.podTemplate = podTemplate;
    }
}
