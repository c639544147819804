// Runs EPUBCheck (Debian's /usr/share/java/epubcheck.jar) over many files in one JVM:
// a JVM start costs seconds, a warm check a fraction of one.
// java -cp /usr/share/java/epubcheck.jar tests/support/EpubCheckBatch.java A.epub B.epub …
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckBatch {
  public static void main(String[] args) {
    // One stream, so each file's messages sit between its BEGIN and RESULT lines.
    System.setErr(System.out);
    for (String file : args) {
      System.out.println("EPUBCHECK-BEGIN " + file);
      System.out.flush();
      int code = new EpubChecker().run(new String[] {file});
      System.out.println("EPUBCHECK-RESULT " + code + " " + file);
      System.out.flush();
    }
  }
}
