package dev.weir.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.weir.runtime.dataflow.JobArgs;
import dev.weir.runtime.dataflow.StreamEnvironment;
import dev.weir.runtime.dataflow.UnrecoverableJobException;

/**
 * keyed-count's arguments: what was silently accepted (a negative record count made an unbounded
 * job, a negative rate was ignored, a misspelt name left the default in force) fails the job at
 * once, naming the argument.
 */
class KeyedCountJobTest {

    @Test
    void validArgumentsBuildTheJob() {
        assertThatCode(() -> define(Map.of("records", "0", "rate", "0"))).doesNotThrowAnyException();
        assertThatCode(() -> define(Map.of("records", "10", "keys", "1", "rate", "100"))).doesNotThrowAnyException();
        // bench/keyed-count always passes sinkRate (0: no limit); undeclared, it failed every benchmark run
        assertThatCode(() -> define(Map.of("records", "10", "sinkRate", "0"))).doesNotThrowAnyException();
        assertThatCode(() -> define(Map.of("records", "10", "sinkRate", "1000"))).doesNotThrowAnyException();
    }

    @Test
    void negativeSinkRateIsRefused() {
        assertBadArgument(Map.of("sinkRate", "-1"), "job argument 'sinkRate': must be >= 0 (got -1)");
    }

    @Test
    void negativeRecordsAreRefusedInsteadOfRunningForever() {
        assertBadArgument(Map.of("records", "-5"), "job argument 'records': must be >= 0 (got -5)");
    }

    @Test
    void negativeRateIsRefusedInsteadOfIgnored() {
        assertBadArgument(Map.of("rate", "-1"), "job argument 'rate': must be >= 0 (got -1)");
    }

    @Test
    void rateWithAKafkaInputIsRefusedInsteadOfIgnored() {
        assertBadArgument(Map.of("input", "kafka://localhost:9092/numbers", "rate", "10"),
                "job argument 'rate': paces the generator input only");
    }

    @Test
    void aMisspeltArgumentIsRefusedInsteadOfIgnored() {
        assertBadArgument(Map.of("record", "100"),
                "job argument 'record': not one this job takes (it takes input, keys, output, rate, records, sinkRate)");
    }

    @Test
    void keysAndInputAreChecked() {
        assertBadArgument(Map.of("keys", "0"), "job argument 'keys': must be >= 1 (got 0)");
        assertBadArgument(Map.of("input", "file:///numbers"), "job argument 'input': 'file:///numbers' is not supported");
        assertBadArgument(Map.of("output", "ftp://x/y"), "job argument 'output': unsupported scheme");
    }

    private static void assertBadArgument(Map<String, String> args, String message) {
        assertThatThrownBy(() -> define(args)).isInstanceOfSatisfying(UnrecoverableJobException.class,
                e -> assertThat(e.kind()).isEqualTo(UnrecoverableJobException.Kind.CONFIGURATION))
                .hasMessageStartingWith(message);
    }

    private static void define(Map<String, String> args) {
        Map<String, String> all = new HashMap<>(Map.of("output", "discard"));
        all.putAll(args);
        new KeyedCountJob().define(new StreamEnvironment(2, 128), new JobArgs(all));
    }
}
