package dev.weir.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;

import java.util.List;

/** Where the job's keyed operators keep their state, and how it is checkpointed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StateBackendSpec {

    public static final String HEAP = "heap";
    public static final String ROCKSDB = "rocksdb";
    public static final List<String> TYPES = List.of(HEAP, ROCKSDB);

    @JsonPropertyDescription("heap: keyed state in the worker's heap, snapshotted copy-on-write (processing"
            + " pauses microseconds per checkpoint); the fastest while the state fits in memory. rocksdb: keyed"
            + " state in an embedded RocksDB on the worker's local disk (its /tmp volume), for state larger than"
            + " memory; the worker heap is then 45% of its memory, and RocksDB's block cache and memtables share"
            + " 30%. Default heap.")
    @SchemaFrom(type = SchemaEnums.StateBackendType.class)
    private String type = HEAP;

    @JsonPropertyDescription("Each checkpoint uploads just what changed since the last completed checkpoint, so"
            + " its size follows the state changed, not the state's size: with rocksdb the RocksDB files created"
            + " since, with heap the entries written since (a chain of at most 10 snapshots, then a full one)."
            + " Uploads are shared by later checkpoints and deleted once no retained checkpoint refers to them."
            + " Savepoints are always full, self-contained copies that either backend can restore. Default: true"
            + " with rocksdb, false with heap.")
    private Boolean incremental;

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Boolean getIncremental() {
        return incremental;
    }

    public void setIncremental(Boolean incremental) {
        this.incremental = incremental;
    }

    /** Whether checkpoints are incremental: as set, else on for rocksdb and off for heap. */
    public boolean isIncremental() {
        return incremental != null ? incremental : ROCKSDB.equals(type);
    }
}
