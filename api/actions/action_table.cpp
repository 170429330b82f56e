#include <algorithm>
#include <array>
#include <utility>

#include "api/actions/action.h"

namespace spool {

void add_permission_action(const ActionContext&, Json&, ActionDone);
void cancel_message_move_task_action(const ActionContext&, Json&, ActionDone);
void change_message_visibility_action(const ActionContext&, Json&, ActionDone);
void change_message_visibility_batch_action(const ActionContext&, Json&, ActionDone);
void create_queue_action(const ActionContext&, Json&, ActionDone);
void delete_message_action(const ActionContext&, Json&, ActionDone);
void delete_message_batch_action(const ActionContext&, Json&, ActionDone);
void delete_queue_action(const ActionContext&, Json&, ActionDone);
void get_queue_attributes_action(const ActionContext&, Json&, ActionDone);
void get_queue_url_action(const ActionContext&, Json&, ActionDone);
void list_dead_letter_source_queues_action(const ActionContext&, Json&, ActionDone);
void list_message_move_tasks_action(const ActionContext&, Json&, ActionDone);
void list_queue_tags_action(const ActionContext&, Json&, ActionDone);
void list_queues_action(const ActionContext&, Json&, ActionDone);
void purge_queue_action(const ActionContext&, Json&, ActionDone);
void receive_message_action(const ActionContext&, Json&, ActionDone);
void remove_permission_action(const ActionContext&, Json&, ActionDone);
void send_message_action(const ActionContext&, Json&, ActionDone);
void send_message_batch_action(const ActionContext&, Json&, ActionDone);
void set_queue_attributes_action(const ActionContext&, Json&, ActionDone);
void start_message_move_task_action(const ActionContext&, Json&, ActionDone);
void tag_queue_action(const ActionContext&, Json&, ActionDone);
void untag_queue_action(const ActionContext&, Json&, ActionDone);

namespace {

// Sorted by name.
constexpr std::array<std::pair<std::string_view, ActionHandler>, 23> kActions = {{
    {"AddPermission", add_permission_action},
    {"CancelMessageMoveTask", cancel_message_move_task_action},
    {"ChangeMessageVisibility", change_message_visibility_action},
    {"ChangeMessageVisibilityBatch", change_message_visibility_batch_action},
    {"CreateQueue", create_queue_action},
    {"DeleteMessage", delete_message_action},
    {"DeleteMessageBatch", delete_message_batch_action},
    {"DeleteQueue", delete_queue_action},
    {"GetQueueAttributes", get_queue_attributes_action},
    {"GetQueueUrl", get_queue_url_action},
    {"ListDeadLetterSourceQueues", list_dead_letter_source_queues_action},
    {"ListMessageMoveTasks", list_message_move_tasks_action},
    {"ListQueueTags", list_queue_tags_action},
    {"ListQueues", list_queues_action},
    {"PurgeQueue", purge_queue_action},
    {"ReceiveMessage", receive_message_action},
    {"RemovePermission", remove_permission_action},
    {"SendMessage", send_message_action},
    {"SendMessageBatch", send_message_batch_action},
    {"SetQueueAttributes", set_queue_attributes_action},
    {"StartMessageMoveTask", start_message_move_task_action},
    {"TagQueue", tag_queue_action},
    {"UntagQueue", untag_queue_action},
}};

}  // namespace

ActionHandler find_action(std::string_view action) {
  auto it = std::lower_bound(kActions.begin(), kActions.end(), action,
                             [](const auto& entry, std::string_view name) { return entry.first < name; });
  if (it == kActions.end() || it->first != action) return nullptr;
  return it->second;
}

}  // namespace spool
