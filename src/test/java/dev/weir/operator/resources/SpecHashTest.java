package dev.weir.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.weir.api.StreamJobSpec;

class SpecHashTest {

    private static StreamJobSpec spec() {
        StreamJobSpec spec = new StreamJobSpec();
        spec.getJob().setClassName("x.Y");
        spec.getJob().setParallelism(2);
        return spec;
    }

    /** The value the operator computed before spec.savepoints existed: an operator upgrade redeploys no job. */
    @Test
    void aSpecHashesAsBeforeSpecSavepointsExisted() {
        assertThat(SpecHash.of(spec())).isEqualTo("4d42c78aabeaf8ed");
    }

    @Test
    void savepointHistoryAndDisposalAskForNoRedeployment() {
        StreamJobSpec edited = spec();
        edited.getSavepoints().setHistoryMaxCount(3);
        edited.getSavepoints().setDispose(List.of("s3://weir/weir/jobs/counts/savepoints/sp-1"));
        assertThat(SpecHash.of(edited)).isEqualTo(SpecHash.of(spec()));
    }
}
