package dev.weir.examples.nexmark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.weir.examples.nexmark.NexmarkEvent.Auction;
import dev.weir.examples.nexmark.NexmarkEvent.Bid;
import dev.weir.examples.nexmark.NexmarkEvent.Person;

/**
 * Brute force, straight from ../shared/bench/nexmark.md §2–3 with plain collections and string rows:
 * the independent check of the Weir jobs. It shares only the generator with them (which
 * {@link NexmarkGeneratorTest} checks against the spec's test vectors and events digest).
 */
final class NexmarkReference {

    record Expected(long rows, String digest) {}

    private NexmarkReference() {}

    static Expected compute(String query, long events) {
        List<String> rows = rows(query, events);
        long sum = 0;
        for (String row : rows) {
            long h = 0xcbf29ce484222325L;
            for (byte b : row.getBytes(StandardCharsets.UTF_8)) {
                h ^= (b & 0xff);
                h *= 0x100000001b3L;
            }
            sum += h;
        }
        return new Expected(rows.size(), String.format("%016x", sum));
    }

    static List<String> rows(String query, long events) {
        NexmarkGenerator generator = new NexmarkGenerator();
        List<NexmarkEvent> all = new ArrayList<>();
        for (long n = 0; n < events; n++) {
            all.add(generator.event(n));
        }
        List<String> rows = new ArrayList<>();
        switch (query) {
            case "events" -> all.forEach(e -> rows.add(line(e)));
            case "q0" -> bids(all).forEach(b -> rows.add(join(b.auction(), b.bidder(), b.price(), b.channel(), b.url(),
                    b.dateTime())));
            case "q1" -> bids(all).forEach(b -> rows.add(join(b.auction(), b.bidder(), b.price() * 908 / 1000,
                    b.dateTime())));
            case "q2" -> bids(all).stream().filter(b -> b.auction() % 123 == 0)
                    .forEach(b -> rows.add(join(b.auction(), b.price())));
            case "q3" -> {
                Map<Long, Person> persons = new HashMap<>();
                all.stream().filter(e -> e instanceof Person).map(e -> (Person) e).forEach(p -> persons.put(p.id(), p));
                for (NexmarkEvent e : all) {
                    if (e instanceof Auction a && a.category() == 10) {
                        Person p = persons.get(a.seller());
                        if (p != null && Set.of("OR", "ID", "CA").contains(p.state())) {
                            rows.add(join(p.name(), p.city(), p.state(), a.id()));
                        }
                    }
                }
            }
            case "q5" -> {
                // Sliding windows [s, s + 10000) for s a multiple of 2000; bids per auction; the auctions at the max.
                Map<Long, Map<Long, Long>> counts = new java.util.TreeMap<>();
                for (Bid b : bids(all)) {
                    long last = b.dateTime() - Math.floorMod(b.dateTime(), 2_000L);
                    for (int k = 0; k < 5; k++) {
                        counts.computeIfAbsent(last - 2_000L * k, s -> new HashMap<>()).merge(b.auction(), 1L, Long::sum);
                    }
                }
                counts.forEach((start, perAuction) -> {
                    long max = perAuction.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                    perAuction.forEach((auction, count) -> {
                        if (count == max) {
                            rows.add(join(start + 10_000, auction, count));
                        }
                    });
                });
            }
            case "q7" -> {
                // Tumbling 10 s windows aligned to the epoch; every bid at the window's highest price.
                Map<Long, List<Bid>> windows = new java.util.TreeMap<>();
                bids(all).forEach(b -> windows.computeIfAbsent(b.dateTime() - Math.floorMod(b.dateTime(), 10_000L),
                        k -> new ArrayList<>()).add(b));
                windows.forEach((start, inWindow) -> {
                    long max = inWindow.stream().mapToLong(Bid::price).max().orElseThrow();
                    inWindow.stream().filter(b -> b.price() == max)
                            .forEach(b -> rows.add(join(start + 10_000, b.auction(), b.bidder(), b.price())));
                });
            }
            case "q8" -> {
                // Persons with an auction of theirs in the tumbling 10 s window of their registration.
                Map<Long, Set<Long>> sellersByWindow = new HashMap<>();
                for (NexmarkEvent e : all) {
                    if (e instanceof Auction a) {
                        sellersByWindow.computeIfAbsent(a.dateTime() - Math.floorMod(a.dateTime(), 10_000L),
                                w -> new java.util.HashSet<>()).add(a.seller());
                    }
                }
                for (NexmarkEvent e : all) {
                    if (e instanceof Person p) {
                        long window = p.dateTime() - Math.floorMod(p.dateTime(), 10_000L);
                        if (sellersByWindow.getOrDefault(window, Set.of()).contains(p.id())) {
                            rows.add(join(window, p.id(), p.name()));
                        }
                    }
                }
            }
            case "q11" -> {
                // Sort each bidder's bid times; a pause of more than 10 s ends a session.
                Map<Long, List<Long>> times = new java.util.TreeMap<>();
                bids(all).forEach(b -> times.computeIfAbsent(b.bidder(), k -> new ArrayList<>()).add(b.dateTime()));
                times.forEach((bidder, list) -> {
                    list.sort(null);
                    int first = 0;
                    for (int i = 1; i <= list.size(); i++) {
                        if (i == list.size() || list.get(i) - list.get(i - 1) > 10_000) {
                            rows.add(join(bidder, i - first, list.get(first), list.get(i - 1) + 10_000));
                            first = i;
                        }
                    }
                });
            }
            default -> throw new IllegalArgumentException(query);
        }
        return rows;
    }

    private static List<Bid> bids(List<NexmarkEvent> all) {
        return all.stream().filter(e -> e instanceof Bid).map(e -> (Bid) e).toList();
    }

    private static String line(NexmarkEvent e) {
        if (e instanceof Person p) {
            return join("P", p.id(), p.name(), p.emailAddress(), p.creditCard(), p.city(), p.state(), p.dateTime());
        }
        if (e instanceof Auction a) {
            return join("A", a.id(), a.itemName(), a.description(), a.initialBid(), a.reserve(), a.dateTime(),
                    a.expires(), a.seller(), a.category());
        }
        Bid b = (Bid) e;
        return join("B", b.auction(), b.bidder(), b.price(), b.channel(), b.url(), b.dateTime());
    }

    private static String join(Object... fields) {
        StringBuilder s = new StringBuilder();
        for (Object f : fields) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(f);
        }
        return s.toString();
    }
}
