#include "core/types.hpp"

#include "core/error.hpp"

namespace newsdesk::core {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput: return "invalid input";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kNetwork: return "network error";
    case ErrorCode::kDatabase: return "database error";
    case ErrorCode::kConfig: return "configuration error";
    case ErrorCode::kLimit: return "limit exceeded";
    case ErrorCode::kRefused: return "refused";
  }
  return "error";
}

const char* to_string(PageType type) {
  switch (type) {
    case PageType::kArticle: return "article";
    case PageType::kLiveblog: return "liveblog";
    case PageType::kGallery: return "gallery";
    case PageType::kVideo: return "video";
    case PageType::kIndex: return "index";
    case PageType::kOther: return "other";
  }
  return "other";
}

const char* to_string(Access access) {
  switch (access) {
    case Access::kFree: return "free";
    case Access::kTeaser: return "teaser";
    case Access::kUnknown: return "unknown";
  }
  return "unknown";
}

Access access_from_string(const std::string& text) {
  for (auto access : {Access::kFree, Access::kTeaser}) {
    if (text == to_string(access)) return access;
  }
  return Access::kUnknown;
}

const char* to_string(EditionEdit::Action action) {
  switch (action) {
    case EditionEdit::Action::kPin: return "pin";
    case EditionEdit::Action::kDrop: return "drop";
    case EditionEdit::Action::kMove: return "move";
    case EditionEdit::Action::kRetitle: return "retitle";
  }
  return "pin";
}

PageType page_type_from_string(const std::string& text) {
  for (auto type : {PageType::kArticle, PageType::kLiveblog, PageType::kGallery, PageType::kVideo,
                    PageType::kIndex}) {
    if (text == to_string(type)) return type;
  }
  return PageType::kOther;
}

const char* to_string(SubscriberState state) {
  switch (state) {
    case SubscriberState::kPending: return "pending";
    case SubscriberState::kConfirmed: return "confirmed";
    case SubscriberState::kUnsubscribed: return "unsubscribed";
    case SubscriberState::kBounced: return "bounced";
  }
  return "pending";
}

const char* to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::kQueued: return "queued";
    case DeliveryState::kSending: return "sending";
    case DeliveryState::kSent: return "sent";
    case DeliveryState::kDeferred: return "deferred";
    case DeliveryState::kFailed: return "failed";
    case DeliveryState::kBounced: return "bounced";
  }
  return "queued";
}

}  // namespace newsdesk::core
