package dev.weir.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.weir.api.RestartPolicySpec;

class RestartStrategyTest {

    private static final RestartStrategy.Settings SETTINGS = new RestartStrategy.Settings(1_000, 5_000, 2.0, 10, 600_000);

    @Test
    void restartsAtOnceAfterProgressThenBacksOffWhileFailingWithoutProgress() {
        RestartStrategy strategy = new RestartStrategy(SETTINGS);
        assertThat(strategy.onFailure(0)).hasValue(0);
        assertThat(strategy.onFailure(10)).hasValue(1_000);
        assertThat(strategy.onFailure(20)).hasValue(2_000);
        assertThat(strategy.onFailure(30)).hasValue(4_000);
        assertThat(strategy.onFailure(40)).as("capped").hasValue(5_000);

        strategy.onProgress();
        assertThat(strategy.onFailure(50)).as("a checkpoint completed since the last restart").hasValue(0);
        assertThat(strategy.onFailure(60)).hasValue(1_000);
    }

    @Test
    void stopsRestartingWhenTooManyRestartsFallInTheWindowEvenAfterProgress() {
        RestartStrategy strategy = new RestartStrategy(new RestartStrategy.Settings(1_000, 5_000, 2.0, 2, 60_000));
        assertThat(strategy.onFailure(0)).hasValue(0);
        strategy.onProgress();
        assertThat(strategy.onFailure(1_000)).hasValue(0);
        strategy.onProgress();
        assertThat(strategy.onFailure(2_000)).isEqualTo(OptionalLong.empty());
        assertThat(strategy.onFailure(61_000)).as("the first restart left the window").hasValue(0);
    }

    @Test
    void theSpecsDefaultsGiveOneSecondThenDoubling() {
        RestartStrategy.Settings defaults = RestartStrategy.Settings.of(new RestartPolicySpec());
        assertThat(defaults).isEqualTo(RestartStrategy.Settings.DEFAULT);
        assertThat(new long[] {defaults.delayMs(0), defaults.delayMs(1), defaults.delayMs(2), defaults.delayMs(7),
                defaults.delayMs(30)}).containsExactly(0, 1_000, 2_000, 60_000, 60_000);
    }
}
