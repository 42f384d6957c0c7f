package dev.bastion.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeidCommandTest {
    @TempDir
    static Path dir;
    static Path patients;
    static Path hierarchies;

    @BeforeAll
    static void fixtures() throws IOException {
        Random random = new Random(3);
        String[] first = {"Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hugo"};
        String[] last = {"Martin", "Rossi", "Novak", "Schmidt", "Dubois", "Garcia", "Jensen", "Kowalski"};
        List<String> lines = new ArrayList<>();
        lines.add("name,email,age,sex,zip,diagnosis");
        for (int i = 0; i < 600; i++) {
            String f = first[random.nextInt(first.length)];
            String l = last[random.nextInt(last.length)];
            lines.add(f + " " + l + "," + f.toLowerCase() + "." + l.toLowerCase() + i + "@example.org,"
                    + (20 + random.nextInt(60)) + "," + (random.nextBoolean() ? "F" : "M") + ",130"
                    + (10 + random.nextInt(20)) + "," + (random.nextInt(4) == 0 ? "diabetes" : "flu"));
        }
        patients = dir.resolve("patients.csv");
        Files.write(patients, lines);
        hierarchies = Files.createDirectories(dir.resolve("h"));
        List<String> ages = new ArrayList<>();
        for (int a = 20; a < 80; a++) {
            ages.add(a + ";" + (a / 10 * 10) + "-" + (a / 10 * 10 + 9) + ";*");
        }
        Files.write(hierarchies.resolve("age.csv"), ages);
        Files.write(hierarchies.resolve("patients_hierarchy_sex.csv"), List.of("F;*", "M;*"));
        List<String> zips = new ArrayList<>();
        for (int z = 10; z < 30; z++) {
            zips.add("130" + z + ";130" + (z / 10) + "*;*");
        }
        Files.write(hierarchies.resolve("zip.csv"), zips);
    }

    @Test
    void riskReportsClassesUniquesAndTheDirectIdentifierColumnsAsJson() throws IOException {
        Object[] r = KeysCommandTest.run("deid", "risk", "--data", patients.toString(), "--qi", "age,sex,zip",
                "--sensitive", "diagnosis", "--population", "60000", "--format", "json");
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode json = new ObjectMapper().readTree((String) r[1]);
        assertThat(json.path("rows").asInt()).isEqualTo(600);
        assertThat(json.path("k").asInt()).isEqualTo(1);
        assertThat(json.path("sample_uniques").asInt()).isGreaterThan(300);
        assertThat(json.path("prosecutor").path("average").asDouble())
                .isEqualTo(json.path("classes").asDouble() / 600);
        assertThat(json.path("population_uniqueness").path("sampling_fraction").asDouble()).isEqualTo(0.01);
        assertThat(json.path("population_uniqueness").path("chosen_model").asText()).isIn("pitman", "zayatz");
        assertThat(json.path("sensitive").path("distinct_l").asInt()).isEqualTo(1);
        assertThat(json.path("direct_identifiers").has("name")).isTrue();
        assertThat(json.path("direct_identifiers").path("email").asText()).startsWith("EMAIL_ADDRESS");
        assertThat(json.path("direct_identifiers").has("zip")).isFalse();
        assertThat(json.path("direct_identifiers").has("age")).isFalse();
    }

    @Test
    void journalistAndMarketerRiskComeFromAPopulationTable() throws IOException {
        Path register = dir.resolve("register.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(patients));
        List<String> doubled = new ArrayList<>(lines);
        doubled.addAll(lines.subList(1, lines.size()));
        Files.write(register, doubled);
        Object[] r = KeysCommandTest.run("deid", "risk", "--data", patients.toString(), "--qi", "age,sex,zip",
                "--population-table", register.toString(), "--format", "json");
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode json = new ObjectMapper().readTree((String) r[1]);
        // Every class is exactly twice as large in the register: each risk is half its prosecutor counterpart
        // (the marketer expects sum f/F = classes / 2 correct matches among n records).
        assertThat(json.path("journalist").path("highest").asDouble()).isEqualTo(0.5);
        assertThat(json.path("marketer").path("average").asDouble())
                .isCloseTo(json.path("prosecutor").path("average").asDouble() / 2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(json.path("sample_classes_missing_from_population").asInt()).isZero();
    }

    @Test
    void anonymizeRefusesDirectIdentifiersUntilTheyAreDropped() {
        Object[] refused = KeysCommandTest.run("deid", "anonymize", "--data", patients.toString(), "--qi",
                "age,sex,zip", "--k", "5", "--hierarchies", hierarchies.toString(), "--out",
                dir.resolve("never.csv").toString());
        assertThat(refused[0]).isEqualTo(1);
        assertThat((String) refused[2]).contains("direct identifiers").contains("--drop");
        assertThat(dir.resolve("never.csv")).doesNotExist();
    }

    @Test
    void anonymizeWritesAKAnonymousReleaseAndReportsItsUtility() throws IOException {
        Path out = dir.resolve("release.csv");
        Object[] r = KeysCommandTest.run("deid", "anonymize", "--data", patients.toString(), "--qi", "age,sex,zip",
                "--k", "5", "--suppress", "5%", "--drop", "name,email", "--hierarchies", hierarchies.toString(),
                "--label", "diagnosis", "--out", out.toString(), "--format", "json");
        assertThat(r[0]).as((String) r[2]).isEqualTo(0);
        JsonNode json = new ObjectMapper().readTree((String) r[1]);
        assertThat(json.path("k").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(json.path("suppressed").asInt()).isLessThanOrEqualTo(30);
        assertThat(json.path("generalisation_loss").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.path("accuracy_released").asDouble()).isBetween(0.0, 1.0);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.getFirst()).isEqualTo("age,sex,zip,diagnosis");
        assertThat(lines).hasSize(601);
        // The release re-assessed: every unsuppressed class holds at least 5 rows.
        Object[] again = KeysCommandTest.run("deid", "risk", "--data", out.toString(), "--qi", "age,sex,zip",
                "--format", "json");
        JsonNode risk = new ObjectMapper().readTree((String) again[1]);
        int suppressed = json.path("suppressed").asInt();
        assertThat(risk.path("k").asInt()).isGreaterThanOrEqualTo(suppressed == 0 ? 5 : Math.min(5, suppressed));
    }

    @Test
    void criteriaThatCannotBeMetExitOneWithAnExplanation() {
        Object[] r = KeysCommandTest.run("deid", "anonymize", "--data", patients.toString(), "--qi", "age,sex,zip",
                "--k", "700", "--suppress", "0", "--drop", "name,email", "--hierarchies", hierarchies.toString(),
                "--out", dir.resolve("none.csv").toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat((String) r[2]).contains("no generalisation").contains("k=700");
    }

    @Test
    void aMissingHierarchyOrABadSuppressionShareIsAClearError() {
        Object[] missing = KeysCommandTest.run("deid", "anonymize", "--data", patients.toString(), "--qi",
                "age,diagnosis", "--k", "2", "--drop", "name,email", "--hierarchies", hierarchies.toString(), "--out",
                dir.resolve("x.csv").toString());
        assertThat(missing[0]).isEqualTo(1);
        assertThat((String) missing[2]).contains("no hierarchy for 'diagnosis'");
        Object[] share = KeysCommandTest.run("deid", "anonymize", "--data", patients.toString(), "--qi", "age",
                "--k", "2", "--suppress", "150%", "--drop", "name,email", "--hierarchies", hierarchies.toString(),
                "--out", dir.resolve("y.csv").toString());
        assertThat(share[0]).isEqualTo(1);
        assertThat((String) share[2]).contains("--suppress");
    }
}
