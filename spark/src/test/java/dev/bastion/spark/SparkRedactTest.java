package dev.bastion.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import dev.bastion.guard.pii.PiiMode;
import dev.bastion.guard.pseudonym.Operator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on Spark in local mode (two threads, a task may fail once) against the single-node scanner: 200,000
 * generated rows by default ({@code -Dbastion.spark.rows=N} to change it), one task failing after its vault rows
 * were committed.
 */
class SparkRedactTest {
    private static final int ROWS = Integer.getInteger("bastion.spark.rows", 200_000);
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().appName("bastion-spark test").master("local[2,2]") // 2 threads, 2 attempts a task
                .config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 4)
                .config("spark.sql.files.maxPartitionBytes", 512 * 1024).getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** Partition 1 fails on its first attempt, after reading all its rows (so its vault rows are committed). */
    static final class FailFirstAttempt implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger FAILED = new AtomicInteger();

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            if (task.partitionId() == 1 && task.attemptNumber() == 0) {
                List<Row> drained = new ArrayList<>();
                rows.forEachRemaining(drained::add);
                FAILED.incrementAndGet();
                throw new IllegalStateException("injected failure after " + drained.size() + " rows");
            }
            return rows;
        }
    }

    @Test
    void pseudonymisedRowsMatchTheSingleNodeScannerAndARetriedTaskLeavesNoDuplicateVaultRows() throws Exception {
        List<Row> rows = PlantedRows.generate(ROWS, 21);
        String input = dir.resolve("in.parquet").toString();
        spark.createDataFrame(rows, PlantedRows.SCHEMA).repartition(6).write().parquet(input);
        Path keys = dir.resolve("keys");
        String vaultUrl = "jdbc:sqlite:" + dir.resolve("vault.db");
        JobOptions options = JobOptions.parse(List.of("--input", input, "--output", dir.resolve("out").toString(),
                "--columns", "text,notes", "--operator", "pseudonymise", "--keys", keys.toString(), "--vault", vaultUrl,
                "--audit", dir.resolve("audit").toString()));

        long start = System.nanoTime();
        JobReport report = RedactJob.run(spark, options, ds -> ds.mapPartitions(new FailFirstAttempt(),
                Encoders.row(ds.schema())));
        double sparkSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(FailFirstAttempt.FAILED.get()).as("the injected failure ran").isEqualTo(1);

        start = System.nanoTime();
        SingleNode single = new SingleNode(PiiMode.BALANCED,
                new Operator.Hash(KeyedHasher.loadOrCreate(keys.resolve("pii-hash.json"))));
        List<String[]> expected = new ArrayList<>(rows.size());
        for (Row r : rows) {
            expected.add(new String[] {single.redact(r.getString(1)), single.redact(r.getString(2))});
        }
        double singleSeconds = (System.nanoTime() - start) / 1e9;

        List<Row> out = spark.read().parquet(dir.resolve("out").toString()).orderBy("id").collectAsList();
        assertThat(out).hasSize(rows.size());
        int differing = 0;
        long firstDiffering = -1;
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            boolean same = r.getLong(0) == i && java.util.Objects.equals(r.getString(1), expected.get(i)[0])
                    && java.util.Objects.equals(r.getString(2), expected.get(i)[1]);
            if (!same) {
                differing++;
                firstDiffering = firstDiffering < 0 ? i : firstDiffering;
            }
        }
        assertThat(differing).as("rows differing from the single-node scanner (first: id %d)", firstDiffering).isZero();
        assertThat(report.counts()).isEqualTo(single.counts);
        assertThat(report.counts()).containsKeys("EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "PERSON");
        assertThat(report.rows()).isEqualTo(rows.size());

        Envelope master = Envelope.open(new Envelope.MasterKeySource.File(keys.resolve("master-key.json")), Map.of());
        try (Vault vault = Vault.open(vaultUrl)) {
            long[] counts = vault.counts();
            assertThat(counts[0]).as("vault rows").isEqualTo(single.distinct.size());
            assertThat(counts[1]).as("distinct surrogates").isEqualTo(counts[0]);
            for (var e : single.replaced.entrySet()) {
                assertThat(vault.original(e.getKey(), master)).as("the vault opens a surrogate to its value")
                        .contains(e.getValue());
            }
        }
        assertThat(report.vaultRows().map(v -> v[0])).contains((long) single.distinct.size());
        System.out.printf("rows %d, values %d %s, vault rows %d; spark local[2] %.1f s, single node %.1f s%n",
                rows.size(), report.values(), report.counts(), single.distinct.size(), sparkSeconds, singleSeconds);
    }

    @Test
    void textFilesAreRewrittenLineByLineAsBastionRedactDoesAndTheReportHashesTheData() throws Exception {
        List<Row> rows = PlantedRows.generate(2_000, 7);
        Path input = dir.resolve("notes.txt");
        List<String> lines = rows.stream().map(r -> r.getString(1)).toList();
        Files.write(input, lines);
        JobOptions options = JobOptions.parse(List.of("--input", input.toString(), "--output",
                dir.resolve("out").toString(), "--audit", dir.resolve("audit").toString()));

        JobReport report = RedactJob.run(spark, options);

        SingleNode single = new SingleNode(PiiMode.BALANCED, new Operator.Tag());
        List<String> expected = lines.stream().map(single::redact).toList();
        List<String> got = spark.read().text(dir.resolve("out").toString()).as(Encoders.STRING()).collectAsList();
        assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(report.counts()).isEqualTo(single.counts);
        assertThat(report.input().files()).singleElement().satisfies(f -> assertThat(f.sha256())
                .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(input)))));
        assertThat(report.output().files()).allSatisfy(f -> assertThat(f.path()).startsWith("part-"));
        assertThat(report.vaultRows()).isEmpty();
    }

    @Test
    void theReportAndTheAuditRecordCarryCountsAndHashesButNoValueFound() throws Exception {
        String canary = "zq.canary.4417@mail-9.com";
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "id,text\n1,write to " + canary + " please\n2,nothing here\n");
        JobOptions options = JobOptions.parse(List.of("--input", input.toString(), "--output",
                dir.resolve("out").toString(), "--columns", "text", "--operator", "mask", "--audit",
                dir.resolve("audit").toString()));

        JobReport report = RedactJob.run(spark, options);

        String written = Files.readString(dir.resolve("out").resolve(RedactJob.REPORT));
        List<Path> inbox;
        try (var files = Files.list(dir.resolve("audit").resolve("inbox"))) {
            inbox = files.filter(p -> p.getFileName().toString().endsWith(".rec")).toList();
        }
        assertThat(inbox).hasSize(1);
        String record = Files.readString(inbox.getFirst());
        assertThat(record).contains("\"action\":\"spark.redact\"", "\"input_sha256\":\"" + report.input().sha256(),
                "\"output_sha256\":\"" + report.output().sha256(), "\"EMAIL_ADDRESS\":1");
        assertThat(written).contains("\"EMAIL_ADDRESS\" : 1").contains(report.output().sha256());
        assertThat(record).doesNotContain(canary);
        assertThat(written).doesNotContain(canary).doesNotContain("canary");
        String out = String.join("\n", spark.read().text(dir.resolve("out").toString()).as(Encoders.STRING()).collectAsList());
        assertThat(out).doesNotContain(canary).contains("write to ****");
    }

    @Test
    void aColumnThatIsNotTextIsRefusedByName() throws Exception {
        String input = dir.resolve("in.parquet").toString();
        spark.createDataFrame(PlantedRows.generate(10, 1), PlantedRows.SCHEMA).write().parquet(input);
        JobOptions options = JobOptions.parse(List.of("--input", input, "--output", dir.resolve("out").toString(),
                "--columns", "text,id"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedactJob.run(spark, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'id' is bigint");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    @Test
    void optionsThatCannotWorkAreRefusedBeforeSparkStarts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobOptions.parse(List.of("--input", "a.csv",
                "--output", "o", "--columns", "t", "--operator", "encrypt")))
                .hasMessageContaining("encrypt is left out");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobOptions.parse(List.of("--input", "a.csv",
                "--output", "o", "--columns", "t", "--operator", "pseudonymise", "--keys", "k")))
                .hasMessageContaining("--vault");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobOptions.parse(List.of("--input", "a.csv",
                "--output", "o", "--colums", "t"))).hasMessageContaining("unknown option '--colums'");
        assertThat(JobOptions.parse(List.of("--input", "a.txt", "--output", "o")).spec().columns())
                .containsExactly("value");
        assertThat(Optional.of(JobOptions.parse(List.of("--input", "x", "--format", "csv", "--output", "o",
                "--columns", "a, b")).spec().columns())).contains(List.of("a", "b"));
    }
}
