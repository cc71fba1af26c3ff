"""The enrollment office's side, as services the console and the CLI share: staff accounts
(`accounts`), what students ask (`insights`), the facts editor (`facts`), the school's knowledge
base (`knowledge_base`) and the counselors' inbox (`inbox`).

May import every context below the web faces (handoff, booking, privacy, knowledge,
rasa_server, database); `bot.console` is its web face and holds no logic the CLI also needs.
"""
