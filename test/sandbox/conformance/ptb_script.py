"""python-telegram-bot 13 against the Hotline emulator: each step prints one JSON line.

Run by python.test.ts, which starts the emulator and passes ROOT, TOKEN and the chat ids.
"""
import json
import os

import telegram
from telegram.error import BadRequest, InvalidToken, TelegramError

ROOT = os.environ["ROOT"]
bot = telegram.Bot(os.environ["TOKEN"], base_url=ROOT + "/bot", base_file_url=ROOT + "/file/bot")
customer = int(os.environ["CUSTOMER"])
source_message = int(os.environ["SOURCE_MESSAGE"])


def step(name, fn):
    try:
        result = fn()
        print(json.dumps({"step": name, "ok": True, "result": result}), flush=True)
    except InvalidToken as error:
        print(json.dumps({"step": name, "ok": False, "error": "InvalidToken", "message": str(error)}), flush=True)
    except BadRequest as error:
        print(json.dumps({"step": name, "ok": False, "error": "BadRequest", "message": error.message}), flush=True)
    except TelegramError as error:
        print(json.dumps({"step": name, "ok": False, "error": type(error).__name__, "message": str(error)}), flush=True)


step("getMe", lambda: bot.get_me().to_dict())
step("markdownV2", lambda: bot.send_message(customer, "Version 1.0", parse_mode="MarkdownV2").to_dict())
step("trim", lambda: bot.send_message(customer, "  hello  ").text)
step("forward", lambda: bot.forward_message(customer, customer, source_message).to_dict())
step("cashtag", lambda: [e.to_dict() for e in bot.send_message(customer, "pay in $USD").entities])
step("notEmulated", lambda: bot._post("sendGame", {"chat_id": customer, "game_short_name": "x"}))
step("typo", lambda: bot._post("sendMesage", {"chat_id": customer, "text": "x"}))
