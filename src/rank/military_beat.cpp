// The default beat's term list. Weights: 3 = unmistakably military, 2 =
// usually military, 1 = military in context; negative = a sign of another beat.
#include "rank/beat.hpp"

namespace newsdesk::rank {

Beat military_beat() {
  Beat b;
  b.name = "military";
  b.description = "Military & defense: the armed forces, weapons, defense policy and budgets, "
                  "alliances, conflicts and theatres.";
  auto add = [&](double w, std::initializer_list<const char*> phrases) {
    for (const char* p : phrases) b.terms.push_back({p, w});
  };
  // Services, units and people.
  add(3, {"army", "navy", "air force", "marine corps", "marines", "space force", "coast guard",
          "national guard", "armed forces", "military", "pentagon", "defense department",
          "ministry of defence", "ministry of defense", "joint chiefs", "troops", "soldiers",
          "sailors", "airmen", "service members", "servicemembers", "battalion", "brigade",
          "regiment", "squadron", "fleet", "carrier strike group", "special forces",
          "special operations", "cyber command", "central command", "indo-pacific command",
          "admiral", "rear adm", "vice adm", "general", "commander", "veterans", "recruiting",
          "recruitment", "enlistment", "conscription", "reservists", "garrison", "base", "fort",
          "naval station", "air base", "naval", "navies", "defence force", "defense force"});
  // Weapons and platforms.
  add(3, {"missile", "missiles", "hypersonic", "ballistic", "cruise missile", "drone", "drones",
          "uav", "unmanned", "frigate", "frigates", "destroyer", "destroyers", "submarine",
          "submarines", "aircraft carrier", "warship", "warships", "fighter jet", "fighter jets",
          "f-35", "bomber", "bombers", "tank", "tanks", "howitzer", "artillery", "munitions",
          "ammunition", "air defense", "air defence", "missile defense", "interceptor",
          "interceptors", "patriot", "radar", "torpedo", "warhead", "nuclear deterrent",
          "counter-drone", "electronic warfare", "shipbuilding", "shipbuilder", "weapons system",
          "weapons", "arms", "armoured", "armored", "combat", "rifle"});
  // Policy, money, alliances.
  add(2, {"defense", "defence", "defense budget", "defence budget", "defense bill",
          "defense authorization", "ndaa", "defense contractor", "defence contractor",
          "procurement", "nato", "alliance", "allies", "deterrence", "deterrent", "secretary of defense",
          "defence secretary", "defense secretary", "defence minister", "defense minister",
          "armed services committee", "security", "deployment", "deployed", "exercise", "drills",
          "wargame", "readiness", "arms control", "military aid", "sanctions"});
  // Conflict and theatres.
  add(2, {"war", "warfare", "conflict", "attack", "strike", "airstrike", "air strike", "invasion",
          "ceasefire", "insurgents", "militants", "offensive", "battlefield", "front line",
          "frontline", "casualties", "hostile", "cyberattack", "ransomware", "espionage",
          "baltic sea", "south china sea", "taiwan strait", "black sea", "red sea", "indo-pacific",
          "intercepted", "shot down"});
  // Signs of other beats.
  add(-2, {"football", "soccer", "cup final", "goal", "goals", "striker", "midfielder", "goalkeeper",
           "league", "match", "extra time", "penalty", "fans", "stadium", "coach", "season",
           "championship", "film", "festival", "actor", "actress", "director", "premiere",
           "box office", "snow", "snowfall", "blizzard", "forecast", "forecasters",
           "meteorologist", "weather", "inches", "centimetres", "interest rate", "interest rates",
           "inflation", "central bank", "federal reserve", "mortgage", "stocks", "markets",
           "economists", "basis points"});
  return b;
}

}  // namespace newsdesk::rank
