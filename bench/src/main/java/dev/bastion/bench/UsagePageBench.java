package dev.bastion.bench;

import dev.bastion.store.jdbc.Database;
import dev.bastion.store.jdbc.JdbcUsageRepository;
import dev.bastion.store.usage.UsageRepository;
import dev.bastion.store.usage.UsageRepository.Filter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The console's usage page against a store of a million usage rows: fills an SQLite store (1,000 days x 10 tenants x
 * 10 keys x 10 models) through the repository, then times the queries one page of the page costs (count and 50 rows)
 * for the first page, a deep page, the last page and a filtered one, five times each, and prints the median.
 *
 * <p>{@code java -cp "bench/target/classes:app/target/lib/*" dev.bastion.bench.UsagePageBench DIR}
 */
public final class UsagePageBench {
    private UsagePageBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        try (Database db = Database.sqlite(dir.resolve("bastion.db"))) {
            UsageRepository usage = new JdbcUsageRepository(db);
            if (usage.page(Filter.all(), 0, 0).total() == 0) {
                long start = System.nanoTime();
                LocalDate first = LocalDate.of(2024, 1, 1);
                for (int d = 0; d < 1000; d++) {
                    List<UsageRepository.Usage> day = new ArrayList<>(1000);
                    for (int t = 0; t < 10; t++) {
                        for (int k = 0; k < 10; k++) {
                            for (int m = 0; m < 10; m++) {
                                day.add(new UsageRepository.Usage(first.plusDays(d), "tenant-" + t, "key_" + t + "_" + k,
                                        "model-" + m, 1 + (d + k) % 7, 100 + m, 50 + t));
                            }
                        }
                    }
                    usage.addUsage(day);
                }
                System.out.printf("RESULT filled %d rows in %.1f s%n", usage.page(Filter.all(), 0, 0).total(),
                        (System.nanoTime() - start) / 1e9);
            }
            long total = usage.page(Filter.all(), 0, 0).total();
            time("first page", () -> usage.page(Filter.all(), 0, 50));
            time("page 10,000 (offset 499,950)", () -> usage.page(Filter.all(), 499_950, 50));
            time("last page", () -> usage.page(Filter.all(), total - 50, 50));
            Filter filtered = new Filter(Optional.of("tenant-3"), Optional.empty(), Optional.of("model-7"),
                    Optional.of(LocalDate.of(2025, 1, 1)), Optional.of(LocalDate.of(2025, 3, 31)));
            time("tenant, model and a quarter, first page", () -> usage.page(filtered, 0, 50));
            Filter key = new Filter(Optional.empty(), Optional.of("key_5_5"), Optional.empty(), Optional.empty(),
                    Optional.empty());
            time("one key, page 100", () -> usage.page(key, 4_950, 50));
        }
    }

    private static void time(String what, java.util.function.Supplier<UsageRepository.Page> query) {
        double[] ms = new double[5];
        UsageRepository.Page page = null;
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            page = query.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("RESULT %s: median %.1f ms (min %.1f, max %.1f), %d rows of %d%n", what, ms[2], ms[0], ms[4],
                page.rows().size(), page.total());
    }
}
