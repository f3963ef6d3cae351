package dev.weir.examples.nexmark;

import dev.weir.examples.nexmark.NexmarkEvent.Auction;
import dev.weir.examples.nexmark.NexmarkEvent.Bid;
import dev.weir.examples.nexmark.NexmarkEvent.Person;

/**
 * The Nexmark event generator of ../shared/bench/nexmark.md §1: event {@code n} is a pure function of
 * {@code n} (SplitMix64 per event and field slot, integer arithmetic only), so any subtask can build
 * any event and a source's position is just the next {@code n}. Every field of every event is
 * generated, whatever a query reads.
 */
public final class NexmarkGenerator {

    public static final long BASE_TIME = 1_767_225_600_000L;
    public static final long DEFAULT_RATE = 10_000;
    static final long FIRST_PERSON_ID = 1000;
    static final long FIRST_AUCTION_ID = 1000;
    static final long FIRST_CATEGORY_ID = 10;
    private static final int ACTIVE_PEOPLE = 1000;
    private static final int IN_FLIGHT_AUCTIONS = 100;
    private static final int HOT_BATCH = 100;

    private static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie",
            "Sarah", "Deiter", "Walter"};
    private static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith",
            "Jones", "Noris"};
    private static final String[] CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend",
            "Redmond", "Seattle", "Kent", "Cheyenne"};
    private static final String[] STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
    private static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
    private static final String[] HOT_URLS = {"https://www.nexmark.com/google/item.htm?query=1",
            "https://www.nexmark.com/facebook/item.htm?query=1", "https://www.nexmark.com/baidu/item.htm?query=1",
            "https://www.nexmark.com/apple/item.htm?query=1"};
    /** Every "first last" name, so a person's name costs no concatenation. */
    private static final String[] NAMES = new String[FIRST_NAMES.length * LAST_NAMES.length];
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1000, 10_000, 100_000};

    static {
        for (int f = 0; f < FIRST_NAMES.length; f++) {
            for (int l = 0; l < LAST_NAMES.length; l++) {
                NAMES[f * LAST_NAMES.length + l] = FIRST_NAMES[f] + " " + LAST_NAMES[l];
            }
        }
    }

    private final long rate;
    private final long expiresRange;

    /** {@code rate}: virtual events per second of event time (the spec's RATE; 10,000 by default). */
    public NexmarkGenerator(long rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("the virtual event rate must be >= 1 event/s, got " + rate);
        }
        this.rate = rate;
        this.expiresRange = Math.max(1, (2 * 1666 * 1000) / rate);
    }

    public NexmarkGenerator() {
        this(DEFAULT_RATE);
    }

    public long rate() {
        return rate;
    }

    public NexmarkEvent event(long n) {
        int j = (int) (n % 50);
        if (j == 0) {
            return person(n);
        }
        return j <= 3 ? auction(n, j) : bid(n);
    }

    public long timestamp(long n) {
        return BASE_TIME + (n * 1000) / rate;
    }

    Person person(long n) {
        long e = n / 50;
        String name = NAMES[u(n, 0, FIRST_NAMES.length) * LAST_NAMES.length + u(n, 1, LAST_NAMES.length)];
        char[] email = new char[7 + 1 + 5 + 4];
        letters(n, 2, email, 0, 7);
        email[7] = '@';
        letters(n, 3, email, 8, 5);
        ".com".getChars(0, 4, email, 13);
        return new Person(FIRST_PERSON_ID + e, name, new String(email), creditCard(n, 4),
                CITIES[u(n, 5, CITIES.length)], STATES[u(n, 6, STATES.length)], timestamp(n));
    }

    Auction auction(long n, int j) {
        long e = n / 50;
        char[] item = new char[10];
        letters(n, 0, item, 0, 10);
        char[] description = new char[3 * 13 + 2];
        letters(n, 1, description, 0, 13);
        description[13] = ' ';
        letters(n, 2, description, 14, 13);
        description[27] = ' ';
        letters(n, 3, description, 28, 13);
        long initialBid = price(n, 4);
        long reserve = initialBid + price(n, 6);
        long ts = timestamp(n);
        long expires = ts + 1 + u(n, 8, expiresRange);
        long seller = u(n, 9, 4) > 0 ? (e / HOT_BATCH) * HOT_BATCH : activePerson(n, 10, e);
        return new Auction(FIRST_AUCTION_ID + 3 * e + (j - 1), new String(item), new String(description), initialBid,
                reserve, ts, expires, FIRST_PERSON_ID + seller, FIRST_CATEGORY_ID + u(n, 11, 5));
    }

    Bid bid(long n) {
        long e = n / 50;
        long lastAuction = 3 * e + 2;
        long auction;
        if (u(n, 0, 2) > 0) {
            auction = (lastAuction / HOT_BATCH) * HOT_BATCH;
        } else {
            long lo = Math.max(lastAuction - IN_FLIGHT_AUCTIONS, 0);
            auction = lo + u(n, 1, lastAuction - lo + 1);
        }
        long bidder = u(n, 2, 4) > 0 ? Math.min((e / HOT_BATCH) * HOT_BATCH + 1, e) : activePerson(n, 3, e);
        long price = price(n, 4);
        String channel;
        String url;
        if (u(n, 6, 100) > 0) {
            int c = u(n, 7, HOT_CHANNELS.length);
            channel = HOT_CHANNELS[c];
            url = HOT_URLS[c];
        } else {
            int k = u(n, 7, 10_000);
            channel = "channel-" + k;
            url = "https://www.nexmark.com/channel-" + k + "/item.htm?query=1&channel_id=" + k;
        }
        return new Bid(FIRST_AUCTION_ID + auction, FIRST_PERSON_ID + bidder, price, channel, url, timestamp(n));
    }

    /** SplitMix64's output function. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The random value of slot {@code f} of event {@code n}. */
    static long rnd(long n, int f) {
        return mix64((32 * n + f + 1) * 0x9E3779B97F4A7C15L);
    }

    /** Uniform-ish in [0, m) for m >= 1. */
    static long u(long n, int f, long m) {
        return (rnd(n, f) >>> 1) % m;
    }

    static int u(long n, int f, int m) {
        return (int) ((rnd(n, f) >>> 1) % m);
    }

    private static void letters(long n, int f, char[] into, int offset, int length) {
        long x = rnd(n, f) >>> 1;
        for (int i = 0; i < length; i++) {
            into[offset + i] = (char) ('a' + x % 26);
            x /= 26;
        }
    }

    private static String creditCard(long n, int f) {
        long x = rnd(n, f) >>> 1;
        char[] text = new char[4 * 4 + 3];
        for (int group = 0; group < 4; group++) {
            int value = (int) (x % 10_000);
            x /= 10_000;
            int at = group * 5;
            text[at] = (char) ('0' + value / 1000);
            text[at + 1] = (char) ('0' + value / 100 % 10);
            text[at + 2] = (char) ('0' + value / 10 % 10);
            text[at + 3] = (char) ('0' + value % 10);
            if (group < 3) {
                text[at + 4] = ' ';
            }
        }
        return new String(text);
    }

    /** Cents in [100, 100000000): a uniform decade, then uniform within it (slots f and f + 1). */
    private static long price(long n, int f) {
        long lo = 100 * POWERS_OF_TEN[u(n, f, 6)];
        return lo + u(n, f + 1, 9 * lo);
    }

    /** A base-0 person id among the newest min(last + 1, 1000) persons. */
    private static long activePerson(long n, int f, long last) {
        long active = Math.min(last + 1, ACTIVE_PEOPLE);
        return last + 1 - active + u(n, f, active);
    }
}
