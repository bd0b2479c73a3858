#include "packet_shrinker.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <vector>

namespace dclcomms::conformance {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Where a field value sits in the tree: the field at each level, and the element for repeated ones.
struct Step {
  const FieldDescriptor* field;
  int index;  // -1 for a singular field
};
using Path = std::vector<Step>;

enum class Edit { clear, halve };

struct Candidate {
  Path path;
  Edit edit;
};

// Every set field value below `message`, parents before children (so big cuts are tried first).
void collect(const Message& message, Path& prefix, std::vector<Path>& out) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);  // in field-number order: deterministic
  for (const FieldDescriptor* field : fields) {
    const int count = field->is_repeated() ? message.GetReflection()->FieldSize(message, field) : 1;
    for (int i = 0; i < count; ++i) {
      prefix.push_back({field, field->is_repeated() ? i : -1});
      out.push_back(prefix);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& child = field->is_repeated() ? message.GetReflection()->GetRepeatedMessage(message, field, i)
                                                    : message.GetReflection()->GetMessage(message, field);
        collect(child, prefix, out);
      }
      prefix.pop_back();
    }
  }
}

// The message that holds the last step's field.
Message* parent_of(Message& root, const Path& path) {
  Message* current = &root;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    const Step& step = path[i];
    current = step.index < 0 ? current->GetReflection()->MutableMessage(current, step.field)
                             : current->GetReflection()->MutableRepeatedMessage(current, step.field, step.index);
  }
  return current;
}

// Applies one edit to a copy; false when the edit does not apply (nothing to halve).
bool apply(codec::Packet& packet, const Candidate& candidate) {
  Message* parent = parent_of(packet, candidate.path);
  const Step& step = candidate.path.back();
  const auto* reflection = parent->GetReflection();
  if (candidate.edit == Edit::clear) {
    if (step.index < 0) {
      reflection->ClearField(parent, step.field);
      return true;
    }
    // Remove element `index`, keeping the order of the others.
    const int size = reflection->FieldSize(*parent, step.field);
    for (int i = step.index; i + 1 < size; ++i) reflection->SwapElements(parent, step.field, i, i + 1);
    reflection->RemoveLast(parent, step.field);
    return true;
  }
  if (step.field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return false;
  std::string value = step.index < 0 ? reflection->GetString(*parent, step.field)
                                     : reflection->GetRepeatedString(*parent, step.field, step.index);
  if (value.size() < 2) return false;
  value.resize(value.size() / 2);
  if (step.index < 0) {
    reflection->SetString(parent, step.field, std::move(value));
  } else {
    reflection->SetRepeatedString(parent, step.field, step.index, std::move(value));
  }
  return true;
}

}  // namespace

ShrinkResult shrink_packet(const codec::Packet& failing, const std::function<bool(const codec::Packet&)>& still_fails, int attempts_max) {
  ShrinkResult result{failing, 0, 0};
  bool progress = true;
  while (progress && result.attempts < attempts_max) {
    progress = false;
    std::vector<Path> paths;
    Path prefix;
    collect(result.packet, prefix, paths);
    std::vector<Candidate> candidates;
    for (const auto& path : paths) candidates.push_back({path, Edit::clear});
    for (const auto& path : paths) candidates.push_back({path, Edit::halve});
    for (const auto& candidate : candidates) {
      if (result.attempts >= attempts_max) break;
      codec::Packet smaller = result.packet;
      if (!apply(smaller, candidate)) continue;
      ++result.attempts;
      if (still_fails(smaller)) {
        result.packet = std::move(smaller);
        ++result.steps;
        progress = true;
        break;
      }
    }
  }
  return result;
}

}  // namespace dclcomms::conformance
