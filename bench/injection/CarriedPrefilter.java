import dev.bastion.guard.injection.CarriedInstructions;
import dev.bastion.guard.injection.TextNormalizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Round eighteen: the carried cues' literal prefilter changes no feature. For every passage of every text of the
 * given JSON-lines files (and of each decoded view), each cue's answer with the prefilter ({@code Cue.in}) is compared
 * with the pattern run alone; prints the count of passages and of differences (must be 0).
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/CarriedPrefilter.java FILE.jsonl...
 * </pre>
 */
public final class CarriedPrefilter {
    public static void main(String[] args) throws Exception {
        long passages = 0;
        long differences = 0;
        long skipped = 0;
        for (String file : args) {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.isBlank()) {
                    continue;
                }
                String text = new com.google.gson.Gson().fromJson(line, com.google.gson.JsonObject.class).get("text").getAsString();
                TextNormalizer.Normalized n = TextNormalizer.normalize(text);
                java.util.List<String> texts = new java.util.ArrayList<>(n.views());
                texts.add(n.text());
                for (String t : texts) {
                    for (String p : CarriedInstructions.passages(t)) {
                        passages++;
                        for (CarriedInstructions.Cue c : CarriedInstructions.CUES) {
                            boolean filtered = c.in(p);
                            boolean plain = c.pattern().matcher(p).find();
                            differences += filtered != plain ? 1 : 0;
                            skipped += c.literals().stream().noneMatch(p::contains) ? 1 : 0;
                            if (filtered != plain) {
                                System.out.printf(Locale.ROOT, "DIFFERENT %s: %s%n", c.name(), p);
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d passages, %d cue answers, %d skipped by the prefilter, %d different%n",
                passages, passages * CarriedInstructions.CUES.size(), skipped, differences);
    }
}
