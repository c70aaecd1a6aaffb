// Mail that is not the edition: the sign-up confirmation. Composed, signed
// like the edition (DKIM) and sent through the first relay that takes it.
#pragma once

#include "core/config.hpp"
#include "web/subscriptions.hpp"

namespace newsdesk::app {

// Sends confirmation emails through the configuration's relays; nullptr
// when there is no relay (sign-up is then closed).
web::ConfirmationMailer confirmation_mailer(const core::Config& config);

}  // namespace newsdesk::app
