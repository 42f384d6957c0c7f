package dev.bastion.spark;

import dev.bastion.audit.AuditLog;
import dev.bastion.crypto.Envelope;
import dev.bastion.crypto.KeyedHasher;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code bastion-spark redact}: {@code bastion redact} as a Spark job. Reads Parquet, CSV or text, rewrites the named
 * string columns in the executors with the guard's pii scanner and an operator (see {@link TextRewriter}), writes
 * the same format, then leaves {@code _bastion_report.json} in the output directory (counts per entity type, SHA-256
 * of input and output) and, with {@code --audit}, hands the same figures to the Bastion audit log as one record.
 *
 * <p>The steps, in order: check the options and the columns; make the keys when missing (driver only); read;
 * rewrite partition by partition (vault rows committed before each task's output); write (Spark's commit protocol
 * keeps one attempt's output per task); hash input and output; report; audit.
 */
public final class RedactJob {
    static final String REPORT = "_bastion_report.json";

    private RedactJob() {
    }

    /** {@code redact ARGS}: for spark-submit ({@code --class dev.bastion.spark.RedactJob}). */
    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !args[0].equals("redact")) {
            System.err.println(JobOptions.USAGE);
            System.exit(64);
        }
        JobOptions options;
        try {
            options = JobOptions.parse(Arrays.asList(args).subList(1, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println("bastion-spark: " + e.getMessage());
            System.exit(64);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("bastion-spark redact");
        if (!new org.apache.spark.SparkConf().contains("spark.master")) {
            builder.master(options.master().orElse("local[*]"));
        }
        try (SparkSession spark = builder.getOrCreate()) {
            JobReport report = run(spark, options);
            System.err.println("bastion-spark: " + report.rows() + " row(s), " + report.values() + " value(s) rewritten with "
                    + options.spec().operator() + " " + report.counts() + "; report " + options.output() + "/" + REPORT);
        }
    }

    /** Runs the job on {@code spark}. */
    public static JobReport run(SparkSession spark, JobOptions options) {
        return run(spark, options, UnaryOperator.identity());
    }

    /** As {@link #run(SparkSession, JobOptions)}, with a stage between rewrite and write (tests inject failures there). */
    static JobReport run(SparkSession spark, JobOptions options, UnaryOperator<Dataset<Row>> afterRewrite) {
        long start = System.nanoTime();
        RewriteSpec spec = options.spec();
        makeKeys(spec);
        if (spec.pseudonymise()) {
            Vault.open(spec.vaultUrl()).close(); // the table exists before any task opens the vault
        }
        Dataset<Row> in = read(spark, options);
        int[] columns = columnIndexes(in.schema(), spec.columns());
        TypeCounts counts = new TypeCounts();
        spark.sparkContext().register(counts, "bastion values per type");
        LongAccumulator rows = spark.sparkContext().longAccumulator("bastion rows");
        Dataset<Row> out = afterRewrite.apply(in.mapPartitions(new PartitionRewrite(spec, columns, counts, rows),
                Encoders.row(in.schema())));
        switch (options.format()) {
            case PARQUET -> out.write().mode(SaveMode.ErrorIfExists).parquet(options.output());
            case CSV -> out.write().mode(SaveMode.ErrorIfExists).option("header", true).csv(options.output());
            case TEXT -> out.write().mode(SaveMode.ErrorIfExists).text(options.output());
        }
        var hadoop = spark.sparkContext().hadoopConfiguration();
        Optional<long[]> vaultRows = Optional.empty();
        if (spec.pseudonymise()) {
            try (Vault vault = Vault.open(spec.vaultUrl())) {
                vaultRows = Optional.of(vault.counts());
            }
        }
        JobReport report = new JobReport(spark.sparkContext().applicationId(), Clock.systemUTC().instant(),
                spec.operator(), spec.mode().configName(), spec.columns(), rows.value(), counts.value(),
                DataHashes.of(options.input(), hadoop), DataHashes.of(options.output(), hadoop), vaultRows,
                (System.nanoTime() - start) / 1e9);
        writeReport(options.output(), report, hadoop);
        options.audit().ifPresent(dir -> audit(dir, report));
        return report;
    }

    /** The keys a data directory would hold, created by the driver when missing (executors never create one). */
    private static void makeKeys(RewriteSpec spec) {
        if (!spec.hashKey().isEmpty()) {
            KeyedHasher.loadOrCreate(java.nio.file.Path.of(spec.hashKey()));
        }
        if (!spec.masterKey().isEmpty()) {
            Envelope.open(new Envelope.MasterKeySource.File(java.nio.file.Path.of(spec.masterKey())), Map.of());
        }
    }

    private static Dataset<Row> read(SparkSession spark, JobOptions options) {
        DataFrameReader reader = spark.read();
        return switch (options.format()) {
            case PARQUET -> reader.parquet(options.input());
            case CSV -> reader.option("header", true).csv(options.input());
            case TEXT -> reader.text(options.input());
        };
    }

    /** The indexes of {@code names} in {@code schema}; each must be a string column. */
    static int[] columnIndexes(StructType schema, List<String> names) {
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            String name = names.get(i);
            if (!Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("no column '" + name + "' in the input; its columns are "
                        + String.join(", ", schema.fieldNames()));
            }
            StructField f = schema.apply(name);
            if (!f.dataType().equals(DataTypes.StringType)) {
                throw new IllegalArgumentException("column '" + name + "' is " + f.dataType().simpleString()
                        + ", not a string: only text columns are scanned");
            }
            out[i] = schema.fieldIndex(name);
        }
        return out;
    }

    private static void writeReport(String output, JobReport report, org.apache.hadoop.conf.Configuration hadoop) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(output, REPORT);
        try (OutputStream o = FileSystem.get(file.toUri(), hadoop).create(file, false)) {
            o.write(report.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the report " + file, e);
        }
    }

    /**
     * Hands the record to the audit log through its inbox ({@link AuditLog#deliverToWriter}): the gateway holding
     * the log appends it within about a second, or the next {@code bastion} command that opens the log does.
     */
    private static void audit(java.nio.file.Path dir, JobReport report) {
        try {
            AuditLog.deliverToWriter(dir, report.auditRecord().toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the job is done and its report written, but its audit record could "
                    + "not be delivered to " + dir + "; the record is in the report (audit_record)", e);
        }
    }
}
