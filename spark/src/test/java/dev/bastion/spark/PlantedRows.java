package dev.bastion.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Generated rows (id, text, notes) with planted e-mail addresses, phone numbers, IBANs and names, drawn from small
 * pools so that every value recurs in many rows and partitions. Seeded: the same count gives the same rows.
 */
final class PlantedRows {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
            .add("text", DataTypes.StringType, true).add("notes", DataTypes.StringType, true);
    private static final String[] FIRST = {"Maria", "James", "Olivia", "Henrik", "Aisha", "Thomas", "Sofia", "Daniel",
            "Chloe", "Lukas", "Fatima", "Oliver", "Emma", "Mateo", "Ingrid", "Samuel"};
    private static final String[] LAST = {"Schneider", "Johnson", "Fernandez", "Kowalski", "Okafor", "Lindqvist",
            "Moreau", "Brennan", "Nakamura", "Rossi", "Hoffmann", "Castillo", "Whitaker", "Novak", "Bergstrom", "Osei"};

    private PlantedRows() {
    }

    static List<Row> generate(int count, long seed) {
        RandomGenerator random = new java.util.SplittableRandom(seed);
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String first = FIRST[random.nextInt(FIRST.length)];
            String last = LAST[random.nextInt(LAST.length)];
            String name = first + " " + last;
            String email = (first + "." + last).toLowerCase(Locale.ROOT) + random.nextInt(40) + "@mail-" + random.nextInt(5)
                    + ".com";
            String phone = String.format(Locale.ROOT, "+44 20 7946 %04d", random.nextInt(300));
            String iban = iban(random.nextInt(400));
            String text = switch (random.nextInt(5)) {
                case 0 -> "Please call " + name + " on " + phone + " or write to " + email + ".";
                case 1 -> "Refund order " + (1000 + random.nextInt(9000)) + " to IBAN " + iban + " held by " + name + ".";
                case 2 -> "Customer " + name + " changed the e-mail address to " + email + " yesterday.";
                case 3 -> "Delivery window moved to Tuesday; nothing else changed on order " + random.nextInt(100_000) + ".";
                default -> "From " + email + ": my phone is " + phone + ", account " + iban + ". Regards, " + first + ".";
            };
            String notes = random.nextInt(3) == 0 ? null : switch (random.nextInt(3)) {
                case 0 -> "Called back by " + FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)]
                        + ", confirmed " + phone + ".";
                case 1 -> "Escalated; see the ticket.";
                default -> "Send the invoice to " + email + " and copy " + name + ".";
            };
            rows.add(RowFactory.create((long) i, text, notes));
        }
        return rows;
    }

    /** A German IBAN with valid mod-97 check digits, from a small pool of account numbers. */
    static String iban(int account) {
        String bban = "37040044" + String.format(Locale.ROOT, "%010d", 532013000L + account * 7919L);
        String rearranged = bban + "1314" + "00"; // D = 13, E = 14
        int mod = 0;
        for (char c : rearranged.toCharArray()) {
            mod = (mod * 10 + (c - '0')) % 97;
        }
        String compact = "DE" + String.format(Locale.ROOT, "%02d", 98 - mod) + bban;
        return compact.replaceAll("(.{4})(?!$)", "$1 ");
    }
}
