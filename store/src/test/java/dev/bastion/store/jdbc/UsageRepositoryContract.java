package dev.bastion.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.store.usage.UsageRepository;
import dev.bastion.store.usage.UsageRepository.Usage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link UsageRepository} does; run on SQLite and PostgreSQL. */
abstract class UsageRepositoryContract extends DatabaseTestBase {
    @Test
    void incrementsOfOneCounterAddUpAndFiltersSelectRows() {
        UsageRepository usage = new JdbcUsageRepository(db);
        LocalDate day = LocalDate.of(2026, 11, 23);
        usage.addUsage(List.of(new Usage(day, "a", "key_1", "m", 1, 10, 5), new Usage(day, "b", "key_2", "m", 1, 1, 1)));
        usage.addUsage(List.of(new Usage(day, "a", "key_1", "m", 2, 20, 10)));
        assertThat(usage.usage(Optional.of("a"), Optional.empty()))
                .containsExactly(new Usage(day, "a", "key_1", "m", 3, 30, 15));
        assertThat(usage.usage(Optional.empty(), Optional.of("key_2")))
                .containsExactly(new Usage(day, "b", "key_2", "m", 1, 1, 1));
        assertThat(usage.usage(Optional.empty(), Optional.empty())).hasSize(2);
        usage.addUsage(List.of());
        assertThat(usage.usage(Optional.empty(), Optional.empty())).hasSize(2);
    }

    @Test
    void pagesComeFromTheDatabaseInOrderWithTheTotalOfEveryFilter() {
        UsageRepository usage = new JdbcUsageRepository(db);
        List<Usage> all = new ArrayList<>();
        for (int d = 1; d <= 10; d++) {
            for (String tenant : List.of("a", "b")) {
                for (String model : List.of("m1", "m2")) {
                    all.add(new Usage(LocalDate.of(2026, 11, d), tenant, "key_" + tenant, model, d, 10L * d, 1));
                }
            }
        }
        usage.addUsage(all);
        UsageRepository.Page first = usage.page(UsageRepository.Filter.all(), 0, 7);
        assertThat(first.total()).isEqualTo(40);
        assertThat(first.rows()).containsExactlyElementsOf(all.subList(0, 7)); // day, tenant, key, model order
        assertThat(usage.page(UsageRepository.Filter.all(), 35, 7).rows()).containsExactlyElementsOf(all.subList(35, 40));
        assertThat(usage.page(UsageRepository.Filter.all(), 40, 7).rows()).isEmpty();
        UsageRepository.Filter narrow = new UsageRepository.Filter(Optional.of("b"), Optional.empty(), Optional.of("m2"),
                Optional.of(LocalDate.of(2026, 11, 3)), Optional.of(LocalDate.of(2026, 11, 5)));
        UsageRepository.Page page = usage.page(narrow, 0, 100);
        assertThat(page.total()).isEqualTo(3);
        assertThat(page.rows()).extracting(Usage::day).containsExactly(LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 4),
                LocalDate.of(2026, 11, 5));
        assertThat(page.rows()).allMatch(u -> u.tenant().equals("b") && u.model().equals("m2"));
        assertThat(usage.page(new UsageRepository.Filter(Optional.empty(), Optional.of("key_a"), Optional.empty(),
                Optional.empty(), Optional.empty()), 0, 1).total()).isEqualTo(20);
    }

    @Test
    void eachAuditLogKeepsItsOwnWatermarkWrittenWithItsCounters() {
        UsageRepository usage = new JdbcUsageRepository(db);
        LocalDate day = LocalDate.of(2026, 12, 5);
        assertThat(usage.auditWatermark("log-a")).isEmpty();
        usage.addUsage(List.of(new Usage(day, "t", "key_1", "m", 1, 4, 2)), "log-a", 7);
        usage.addUsage(List.of(), "log-b", 3); // a replica sharing the database: its own row
        usage.addUsage(List.of(new Usage(day, "t", "key_1", "m", 1, 1, 1)), "log-a", 9);
        assertThat(usage.auditWatermark("log-a")).hasValue(9);
        assertThat(usage.auditWatermark("log-b")).hasValue(3);
        assertThat(usage.usage(Optional.empty(), Optional.empty())).containsExactly(new Usage(day, "t", "key_1", "m", 2, 5, 3));
    }

    @Test
    void concurrentWritersFromThreadsAndSeparateConnectionsLoseNothing() throws Exception {
        LocalDate day = LocalDate.of(2026, 1, 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Database second = databases.open()) {
            List<UsageRepository> targets = List.of(new JdbcUsageRepository(db), new JdbcUsageRepository(second));
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                UsageRepository target = targets.get(t % 2);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        target.addUsage(List.of(new Usage(day, "t", "key_x", "m", 1, 3, 2)));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(new JdbcUsageRepository(db).usage(Optional.empty(), Optional.empty()))
                .containsExactly(new Usage(day, "t", "key_x", "m", 800, 2400, 1600));
    }
}
