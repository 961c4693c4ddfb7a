// Runs several SPARQL query files in one JVM on the dataset that an assembler file (a Fuseki config)
// describes, the way `arq.sparql --desc CONFIG --query FILE` does for one: the dataset is built by
// AssemblerUtils.build(CONFIG, ja:RDFDataset) (here the tdb2:DatasetTDB2 with its ja:context) and each query
// runs in a read transaction. A test helper (see tests/jena.py), started with Java's source-file launcher:
//
//   java -cp JENA_CLASSPATH tests/JenaQueries.java CONFIG OUT_DIR QUERY.rq...
//
// For the i-th query it writes OUT_DIR/i.json (SPARQL JSON results of SELECT or ASK), OUT_DIR/i.nt
// (N-Triples of CONSTRUCT or DESCRIBE) or OUT_DIR/i.error (the message when the query failed).

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.assembler.AssemblerUtils;
import org.apache.jena.sparql.core.assembler.DatasetAssemblerVocab;
import org.apache.jena.sys.JenaSystem;
import org.apache.jena.system.Txn;

public class JenaQueries {
    public static void main(String[] args) throws Exception {
        JenaSystem.init(); // before any Jena class, as Jena's commands do
        Dataset dataset = (Dataset) AssemblerUtils.build(args[0], DatasetAssemblerVocab.tDataset);
        Path out = Path.of(args[1]);
        for (int i = 2; i < args.length; i++) {
            String name = Integer.toString(i - 2);
            String file = args[i];
            try {
                Txn.executeRead(dataset, () -> answer(file, dataset, out.resolve(name)));
            } catch (RuntimeException error) {
                Files.writeString(out.resolve(name + ".error"), String.valueOf(error), StandardCharsets.UTF_8);
            }
        }
    }

    private static void answer(String file, Dataset dataset, Path stem) {
        Query query = QueryFactory.read(file);
        try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
            if (query.isSelectType()) {
                try (OutputStream stream = open(stem, ".json")) {
                    ResultSetFormatter.outputAsJSON(stream, execution.execSelect());
                }
            } else if (query.isAskType()) {
                try (OutputStream stream = open(stem, ".json")) {
                    ResultSetFormatter.outputAsJSON(stream, execution.execAsk());
                }
            } else {
                var model = query.isConstructType() ? execution.execConstruct() : execution.execDescribe();
                try (OutputStream stream = open(stem, ".nt")) {
                    RDFDataMgr.write(stream, model, Lang.NTRIPLES);
                }
            }
        } catch (IOException error) {
            throw new UncheckedIOException(error);
        }
    }

    private static OutputStream open(Path stem, String suffix) throws IOException {
        return new FileOutputStream(stem.toString() + suffix);
    }
}
