package dev.bastion.privacy.fl.net;

import dev.bastion.privacy.fl.WireReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages around the secure aggregation rounds, and their frames: a site's {@link Hello}, the coordinator's
 * {@link Task} (everything a site needs to decide, train and run one round), the site's {@link Answer} (accept, or
 * refuse with a reason code and nothing of its data), a {@link PlainUpdate} when aggregation is in the clear, and
 * {@link Finish}. Frames start with the label {@code bastion-fl-net/1} and a type tag; decoding is total, as in
 * {@link dev.bastion.privacy.fl.WireCodec}: anything malformed is a {@link WireReader.Malformed} naming the field.
 */
public final class Control {
    public static final String VERSION = "bastion-fl-net/1";
    private static final int MAX_TEXT = 256;
    private static final int MAX_ENTRIES = 1_000_000;

    private Control() {
    }

    public sealed interface Message permits Hello, Task, Answer, PlainUpdate, Finish {
    }

    /** A site names itself; the coordinator checks the name against the certificate it presented. */
    public record Hello(String federation, String site) implements Message {
    }

    /** The secure aggregation settings of a task; sites derive k and t themselves from these. */
    public record Aggregation(String mode, double tolerance, double corrupt, byte[] roundSeed, long stageTimeoutMillis) {
        public Aggregation {
            if (!List.of("off", "full", "plus").contains(mode) || !(tolerance > 0 && tolerance < 0.5) || corrupt < 0
                    || roundSeed.length != 32 || stageTimeoutMillis < 1) {
                throw new IllegalArgumentException("aggregation: mode off|full|plus, tolerance in (0, 0.5), "
                        + "corrupt >= 0, a 32-byte round seed and a positive stage timeout");
            }
        }
    }

    /**
     * The DP of a task: {@code off}, {@code central} (sites send clipped updates, the coordinator adds Gaussian noise
     * of z·clip to the sum) or {@code distributed} (sites clip, rotate, round and add discrete Gaussian shares of
     * variance σ²/m, {@link dev.bastion.privacy.fl.DistributedDp}, in Z_2^bits; a site refuses to unmask when fewer
     * than {@code minSurvivors} = m survive). {@code bits} is the modulus of the distributed sum. {@code rounds} and
     * {@code delta} are what the run's ε is computed over (every site every round, q = 1): a site recomputes that ε
     * from the noise multiplier itself ({@link DpClaim}) rather than trusting the figure the task declares.
     */
    public record Privacy(String dp, double noiseMultiplier, int minSurvivors, int bits, int rounds, double delta) {
        public static final Privacy NONE = new Privacy("off", 1, 1, 32, 1, 1e-5);

        public Privacy {
            if (!List.of("off", "central", "distributed").contains(dp) || !(noiseMultiplier > 0) || minSurvivors < 1
                    || bits < 8 || bits > 62 || rounds < 1 || !(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("privacy: dp off|central|distributed, a positive noise "
                        + "multiplier, at least one survivor, 8..62 bits, at least one round and a delta in (0, 1)");
            }
        }

        public boolean on() {
            return !dp.equals("off");
        }

        public boolean distributed() {
            return dp.equals("distributed");
        }

        public boolean central() {
            return dp.equals("central");
        }
    }

    /**
     * One round of training: the model, its encoding, the privacy claim and parameters, and the parameters to start
     * from. {@code group} lists the roster ids summed together in this task (empty: every site); a site outside it
     * is not sent the task, one inside takes SecAgg id = its position in the list + 1.
     */
    public record Task(String federation, long round, int trainingRound, String model, int hidden,
            FeatureSchema schema, double epsilon, int localEpochs, int batchSize, double learningRate, double clip,
            int levelBits, long maxCount, Aggregation aggregation, Privacy privacy, List<Integer> group,
            double[] parameters) implements Message {
        public Task {
            group = List.copyOf(group);
        }

        /** A task without DP and over every site. */
        public Task(String federation, long round, int trainingRound, String model, int hidden, FeatureSchema schema,
                double epsilon, int localEpochs, int batchSize, double learningRate, double clip, int levelBits,
                long maxCount, Aggregation aggregation, double[] parameters) {
            this(federation, round, trainingRound, model, hidden, schema, epsilon, localEpochs, batchSize,
                    learningRate, clip, levelBits, maxCount, aggregation, Privacy.NONE, List.of(), parameters);
        }
    }

    /** Why a site refused a task: a code the coordinator may see, never the site's data. */
    public enum Refusal { MODEL_NOT_ALLOWED, COLUMN_NOT_ALLOWED, EPSILON_PER_TASK, EPSILON_TOTAL, DATA_MISMATCH,
        WEAK_PROTOCOL, WRONG_FEDERATION, EPSILON_UNDERSTATED, ROUNDS_EXCEEDED, PRIVACY_CHANGED }

    /** A site's answer to a task: accepted, or refused with a code. */
    public record Answer(long round, java.util.Optional<Refusal> refusal) implements Message {
    }

    /** The quantised update in the clear (aggregation off): b bits per coordinate. */
    public record PlainUpdate(long round, int bits, long[] values) implements Message {
    }

    /** Training is over (or the coordinator gives up); the site may disconnect. */
    public record Finish(String reason) implements Message {
    }

    public static byte[] encode(Message m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeUTF(VERSION);
            switch (m) {
                case Hello h -> {
                    out.writeInt(1);
                    out.writeUTF(h.federation());
                    out.writeUTF(h.site());
                }
                case Task t -> {
                    out.writeInt(2);
                    task(out, t);
                }
                case Answer a -> {
                    out.writeInt(3);
                    out.writeLong(a.round());
                    out.writeInt(a.refusal().map(r -> r.ordinal() + 1).orElse(0));
                }
                case PlainUpdate p -> {
                    out.writeInt(4);
                    out.writeLong(p.round());
                    out.writeInt(p.bits());
                    out.writeInt(p.values().length);
                    for (long v : p.values()) {
                        out.writeLong(v);
                    }
                }
                case Finish f -> {
                    out.writeInt(5);
                    out.writeUTF(f.reason());
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void task(DataOutputStream out, Task t) throws IOException {
        out.writeUTF(t.federation());
        out.writeLong(t.round());
        out.writeInt(t.trainingRound());
        out.writeUTF(t.model());
        out.writeInt(t.hidden());
        out.writeUTF(t.schema().label());
        out.writeInt(t.schema().classes().size());
        for (String c : t.schema().classes()) {
            out.writeUTF(c);
        }
        out.writeInt(t.schema().columns().size());
        for (FeatureSchema.Column c : t.schema().columns()) {
            out.writeUTF(c.name());
            out.writeBoolean(c.numeric());
            out.writeDouble(c.mean());
            out.writeDouble(c.std());
            out.writeInt(c.categories().size());
            for (String v : c.categories()) {
                out.writeUTF(v);
            }
        }
        out.writeDouble(t.epsilon());
        out.writeInt(t.localEpochs());
        out.writeInt(t.batchSize());
        out.writeDouble(t.learningRate());
        out.writeDouble(t.clip());
        out.writeInt(t.levelBits());
        out.writeLong(t.maxCount());
        Aggregation a = t.aggregation();
        out.writeUTF(a.mode());
        out.writeDouble(a.tolerance());
        out.writeDouble(a.corrupt());
        out.write(a.roundSeed());
        out.writeLong(a.stageTimeoutMillis());
        Privacy dp = t.privacy();
        out.writeUTF(dp.dp());
        out.writeDouble(dp.noiseMultiplier());
        out.writeInt(dp.minSurvivors());
        out.writeInt(dp.bits());
        out.writeInt(dp.rounds());
        out.writeDouble(dp.delta());
        out.writeInt(t.group().size());
        for (int g : t.group()) {
            out.writeInt(g);
        }
        out.writeInt(t.parameters().length);
        for (double p : t.parameters()) {
            out.writeDouble(p);
        }
    }

    /** @throws WireReader.Malformed naming the field, for any frame that is not exactly one valid message */
    public static Message decode(byte[] frame) {
        WireReader r = new WireReader(frame);
        if (!VERSION.equals(r.text("version", 32))) {
            throw new WireReader.Malformed("unknown frame version");
        }
        try {
            Message m = switch (r.id("tag")) {
                case 1 -> new Hello(r.text("federation", MAX_TEXT), r.text("site", MAX_TEXT));
                case 2 -> task(r);
                case 3 -> {
                    long round = r.number("round");
                    int code = r.id("refusal");
                    if (code < 0 || code > Refusal.values().length) {
                        throw new WireReader.Malformed("unknown refusal code");
                    }
                    yield new Answer(round, code == 0 ? java.util.Optional.empty()
                            : java.util.Optional.of(Refusal.values()[code - 1]));
                }
                case 4 -> {
                    long round = r.number("round");
                    int bits = r.id("bits");
                    int n = r.count("values", MAX_ENTRIES * 10, 8);
                    long[] values = new long[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = r.number("value");
                        if (bits < 1 || bits > 62 || values[i] < 0 || values[i] >= (1L << bits)) {
                            throw new WireReader.Malformed("a value outside Z_2^bits");
                        }
                    }
                    yield new PlainUpdate(round, bits, values);
                }
                case 5 -> new Finish(r.text("reason", MAX_TEXT));
                default -> throw new WireReader.Malformed("unknown control message type");
            };
            r.end();
            return m;
        } catch (IllegalArgumentException e) {
            throw new WireReader.Malformed("a field is out of range");
        }
    }

    private static Task task(WireReader r) {
        String federation = r.text("federation", MAX_TEXT);
        long round = r.number("round");
        int trainingRound = r.id("training round");
        String model = r.text("model", 16);
        int hidden = r.id("hidden");
        String label = r.text("label", MAX_TEXT);
        int nc = r.count("classes", 1000, 2);
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < nc; i++) {
            classes.add(r.text("class", MAX_TEXT));
        }
        int ncol = r.count("columns", 10_000, 23);
        List<FeatureSchema.Column> columns = new ArrayList<>();
        for (int i = 0; i < ncol; i++) {
            String name = r.text("column", MAX_TEXT);
            int numeric = r.u8("numeric");
            if (numeric > 1) {
                throw new WireReader.Malformed("numeric is not a boolean");
            }
            double mean = Double.longBitsToDouble(r.number("mean"));
            double std = Double.longBitsToDouble(r.number("std"));
            int nv = r.count("categories", 10_000, 2);
            List<String> values = new ArrayList<>();
            for (int j = 0; j < nv; j++) {
                values.add(r.text("category", MAX_TEXT));
            }
            columns.add(new FeatureSchema.Column(name, numeric == 1, mean, std, values));
        }
        FeatureSchema schema = new FeatureSchema(label, classes, columns);
        double epsilon = r.decimal("epsilon");
        int localEpochs = r.id("local epochs");
        int batchSize = r.id("batch size");
        double lr = r.decimal("learning rate");
        double clip = r.decimal("clip");
        int levelBits = r.id("level bits");
        long maxCount = r.number("max count");
        Aggregation a = new Aggregation(r.text("mode", 8), r.decimal("tolerance"), r.decimal("corrupt"),
                r.raw(32, "round seed"), r.number("stage timeout"));
        Privacy privacy = new Privacy(r.text("dp", 16), r.decimal("noise multiplier"), r.id("min survivors"),
                r.id("dp bits"), r.id("dp rounds"), r.decimal("dp delta"));
        int ng = r.count("group", 100_000, 4);
        List<Integer> group = new ArrayList<>();
        for (int i = 0; i < ng; i++) {
            group.add(r.id("group member"));
        }
        int n = r.count("parameters", MAX_ENTRIES * 10, 8);
        double[] params = new double[n];
        for (int i = 0; i < n; i++) {
            params[i] = r.decimal("parameter");
        }
        return new Task(federation, round, trainingRound, model, hidden, schema, epsilon, localEpochs, batchSize, lr,
                clip, levelBits, maxCount, a, privacy, group, params);
    }
}
