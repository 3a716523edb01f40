from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "") or user.full_name
        user.phone = form.cleaned_data.get("phone", "") or user.phone
        if commit:
            user.save()
            from accounts.services import citizen_register

            citizen_register(user=user)
        return user
