package dev.weir.runtime.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class UnrecoverableJobExceptionTest {

    @Test
    void isFoundAnywhereInTheCauseChain() {
        UnrecoverableJobException cause = new UnrecoverableJobException(UnrecoverableJobException.Kind.CONFIGURATION,
                "topic 'out' does not exist");
        assertThat(UnrecoverableJobException.find(new RuntimeException("task failed", new IOException(cause))))
                .isSameAs(cause);
        assertThat(UnrecoverableJobException.find(new IOException("connection refused"))).isNull();
    }

    @Test
    void aClassMissingAtRunTimeIsUnrecoverable() {
        NoClassDefFoundError missing = new NoClassDefFoundError("com/google/common/collect/ImmutableList");
        missing.initCause(new ClassNotFoundException("com.google.common.collect.ImmutableList"));

        UnrecoverableJobException found = UnrecoverableJobException.find(new RuntimeException("in processElement", missing));

        assertThat(found.kind()).isEqualTo(UnrecoverableJobException.Kind.JOB_CLASS);
        assertThat(found.getMessage()).contains("'com.google.common.collect.ImmutableList' is missing at run time")
                .contains("not in its jar");
    }

    @Test
    void aClassWhoseInitializerFailedMayHealInANewWorker() {
        NoClassDefFoundError initFailed = new NoClassDefFoundError("Could not initialize class com.example.Client");

        assertThat(UnrecoverableJobException.find(initFailed)).isNull();
    }
}
