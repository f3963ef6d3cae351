package dev.weir.examples.nexmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test vectors of ../shared/bench/nexmark.md §1.2 and §1.6, and the events digest of §3. */
class NexmarkGeneratorTest {

    private final NexmarkGenerator generator = new NexmarkGenerator();

    @Test
    void randomSlotsMatchTheSpecsTestValues() {
        assertThat(Long.toHexString(NexmarkGenerator.rnd(0, 0))).isEqualTo("e220a8397b1dcdaf");
        assertThat(Long.toHexString(NexmarkGenerator.rnd(0, 1))).isEqualTo("6e789e6aa1b965f4");
        assertThat(String.format("%016x", NexmarkGenerator.rnd(1, 0))).isEqualTo("0c7de8064963bab0");
        assertThat(NexmarkGenerator.u(0, 0, 6)).isEqualTo(3);
        assertThat(NexmarkGenerator.u(1, 1, 6)).isEqualTo(4);
    }

    @ParameterizedTest(name = "event {0}")
    @CsvSource(delimiter = '|', value = {
            "0|P,1000,Peter Shultz,njkzgao@ggzqp.com,7373 1304 1012 0875,Bend,ID,1767225600000",
            "1|A,1000,wlvwgjpvne,qezlcwysiamac bdnlulcsjpqkb fswyfzflwymun,88524368,129170788,1767225600000,1767225600040,1000,12",
            "2|A,1001,fxvjfummai,prkoqsuuanipa tpwtvmfuduzzy iaxtlswlkqobb,1683360,3856407,1767225600000,1767225600242,1000,12",
            "3|A,1002,xsogzjmhhu,begeyszmliqbm waxyfzsxntmef vjttqnpcqkmau,69198,69343012,1767225600000,1767225600097,1000,11",
            "4|B,1002,1000,17810,Facebook,https://www.nexmark.com/facebook/item.htm?query=1,1767225600000",
            "5|B,1000,1000,3572,Apple,https://www.nexmark.com/apple/item.htm?query=1,1767225600000",
            "49|B,1000,1000,611725,Google,https://www.nexmark.com/google/item.htm?query=1,1767225600004",
            "50|P,1001,Vicky Bartels,fdonyxm@cugtw.com,8456 3845 7508 0412,Los Angeles,CA,1767225600005",
            "314|B,1015,1001,6946609,channel-5044,https://www.nexmark.com/channel-5044/item.htm?query=1&channel_id=5044,1767225600031",
            "123456|B,8405,3177,43593,Facebook,https://www.nexmark.com/facebook/item.htm?query=1,1767225612345",
            "9999999|B,600900,200901,94376188,Apple,https://www.nexmark.com/apple/item.htm?query=1,1767226599999"})
    void eventLinesMatchTheSpecsTestVectors(long n, String line) {
        RowFormat<NexmarkEvent> format = RowFormat::event;
        assertThat(format.text(generator.event(n))).isEqualTo(line);
    }

    @Test
    void eventsDigestOf200000EventsMatchesTheSpecBothAsTextAndFieldByField() {
        RowFormat<NexmarkEvent> format = RowFormat::event;
        Fnv1a64Row streamed = new Fnv1a64Row();
        long fromText = 0;
        long fromFields = 0;
        for (long n = 0; n < 200_000; n++) {
            NexmarkEvent event = generator.event(n);
            fromText += Fnv1a64Row.of(format.text(event));
            format.write(event, streamed.reset());
            fromFields += streamed.hash();
        }
        assertThat(String.format("%016x", fromText)).isEqualTo("da22a1fb7296a46e");
        assertThat(fromFields).isEqualTo(fromText);
    }

    @Test
    void fnvOfTheEmptyRowIsTheOffsetBasisAndNonAsciiIsHashedAsUtf8() {
        assertThat(Fnv1a64Row.of("")).isEqualTo(0xcbf29ce484222325L);
        Fnv1a64Row row = new Fnv1a64Row();
        row.reset().field("zß€").field(-42).field(0).field("");
        assertThat(row.hash()).isEqualTo(Fnv1a64Row.of("zß€,-42,0,"));
    }

    @Test
    void integersAreHashedAsTheirDecimalText() {
        Fnv1a64Row row = new Fnv1a64Row();
        java.util.List<Long> values = new java.util.ArrayList<>(java.util.List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1,
                Long.MAX_VALUE, -1L, -10_000L, -9_999L));
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
            values.addAll(java.util.List.of(p - 1, p, p + 1, 10 * p - 1)); // every length, both ends
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            values.add(random.nextLong() >>> random.nextInt(64));
        }
        for (long value : values) {
            row.reset().field(value);
            assertThat(row.hash()).as("%d", value).isEqualTo(Fnv1a64Row.of(Long.toString(value)));
            row.reset().field("a").field(value).field(value);
            assertThat(row.hash()).as("%d in a row", value).isEqualTo(Fnv1a64Row.of("a," + value + "," + value));
        }
    }

    @Test
    void eventTimeFollowsTheVirtualRate() {
        assertThat(new NexmarkGenerator(1000).timestamp(1500)).isEqualTo(NexmarkGenerator.BASE_TIME + 1500);
        assertThat(generator.timestamp(9)).isEqualTo(NexmarkGenerator.BASE_TIME);
        assertThat(generator.timestamp(10)).isEqualTo(NexmarkGenerator.BASE_TIME + 1);
        assertThatThrownBy(() -> new NexmarkGenerator(0)).hasMessageContaining("virtual event rate");
    }
}
