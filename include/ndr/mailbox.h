// Reading inputs: files, folders (including maildirs) and mbox files.
#ifndef NDR_MAILBOX_H_
#define NDR_MAILBOX_H_

#include <string>
#include <string_view>
#include <vector>

namespace ndr {

// Reads a whole file. False with *error ("path: reason") when it cannot.
bool ReadWholeFile(const std::string& path, std::string* out, std::string* error);

// Expands the paths named on a command line: a folder becomes every regular
// file under it (recursively, sorted by path, hidden files and maildir tmp/
// skipped); a file stays itself. Paths that do not exist are reported in
// *errors and skipped.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& paths,
                                      std::vector<std::string>* errors);

// True when the data starts like an mbox ("From " separator line).
bool LooksLikeMbox(std::string_view data);

// Splits mbox data at "From " lines that follow an empty line (or start the
// data). Each message is the text after its separator line.
std::vector<std::string_view> SplitMbox(std::string_view data);

}  // namespace ndr

#endif  // NDR_MAILBOX_H_
